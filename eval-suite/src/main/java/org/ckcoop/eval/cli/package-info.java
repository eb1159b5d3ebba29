/**
 * The ckcoop command line.
 */
package org.ckcoop.eval.cli;
