/**
 * The Kronecker adapter of CK-CoOp: a k x d matrix {@code K = A_1 (x) ... (x) A_P} built from P tiny
 * learnable factors A_p [k_p, d_p].
 *
 * <p>{@link org.ckcoop.kronecker.KroneckerShape} holds the factor shapes (explicit, or derived by a
 * documented balanced rule) and the parameter count; {@link org.ckcoop.kronecker.Kronecker} builds
 * K from factor arrays on a given manager, differentiably; {@link org.ckcoop.kronecker.KroneckerInit}
 * gives the initial values (first factor zero, the others seeded normals). This module is pure: it
 * depends on DJL only.
 */
package org.ckcoop.kronecker;
