/**
 * The project's common ground, below every other module: the exception for bad user input
 * ({@link org.ckcoop.common.InputException}) and the project version for provenance. It depends on
 * nothing of the project's, so no package of any module forms a cycle through it.
 */
package org.ckcoop.common;
