/** Writing files so that a reader never sees a partial one. */
package org.ckcoop.common.files;
