/**
 * CK-CoOp (arXiv 2403.11631): context vectors as learnable linear combinations of dictionary bases,
 * each base a frozen k-means centroid of the token-embedding table plus a learnable Kronecker-structured
 * part: {@code T = C (D_com + alpha * (A_1 (x) ... (x) A_P))}. Only the paper's abstract is available;
 * every unstated choice is a setting (see {@link org.ckcoop.core.ckcoop.CkCoOpSettings}) and is listed
 * in docs/ckcoop.md.
 */
package org.ckcoop.core.ckcoop;
