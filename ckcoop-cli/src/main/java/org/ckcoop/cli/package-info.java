/**
 * The ckcoop command line.
 */
package org.ckcoop.cli;
