/** Project-wide checks of how the main code uses the engine (read from the compiled classes). */
package org.ckcoop.eval.engine;
