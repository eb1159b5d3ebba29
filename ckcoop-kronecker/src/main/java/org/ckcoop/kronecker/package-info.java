/**
 * The Kronecker adapter: a k x d matrix built as the Kronecker product of tiny learnable factors (to be built by the CK-CoOp issue).
 */
package org.ckcoop.kronecker;
