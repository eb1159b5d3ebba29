/**
 * The terminal as a person reads it: log lines and result lines scroll above, progress bars stay at
 * the bottom ({@link org.ckcoop.cli.console.Terminal}); off a terminal (a redirected log, CI) there are
 * no bars and no carriage returns, only lines.
 */
package org.ckcoop.cli.console;
