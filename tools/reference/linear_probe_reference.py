#!/usr/bin/env python3
"""Golden numbers for the linear_probe learner (numpy only, float64; no sklearn, no scipy).

What it computes, independently of the Java code:

* the minimiser of scikit-learn's L2 logistic regression objective ``C * sum(log-loss) + ||W||^2 / 2``,
  written here divided by C N as sklearn >= 1.4 writes it in ``linear_model/_logistic.py``
  (``l2_reg_strength = 1.0 / (C * sw_sum)``; sklearn before 1.4 divides by C only: the same minimiser):
      multinomial (K > 2 classes, ``HalfMultinomialLoss``, coefficients for all K classes):
          f(W, b) = mean_n [logsumexp(W x_n + b) - (W x_n + b)_{y_n}] + ||W||^2 / (2 C N)
      binary (K = 2, ``HalfBinomialLoss``, one coefficient vector for class 1):
          f(w, b) = mean_n [log(1 + exp(w.x_n + b)) - y_n (w.x_n + b)] + ||w||^2 / (2 C N)
  solved by Newton's method with the exact Hessian (a minimum-norm step, as the multinomial
  intercepts are determined only up to a common constant; from zero they keep a zero sum, as
  L-BFGS from sklearn's zero start does) until the gradient's largest entry is below 1e-13;
* CoOp's lpclip C search (KaiyangZhou/CoOp lpclip/linear_probe.py lines 53-118, copied below as
  ``lpclip_search``) on a constructed train/val problem, with the Newton fits as the classifier,
  and on a stub accuracy function that exercises ties and both branches.

Writes ``baselines-coop-cocoop/src/test/resources/org/ckcoop/baselines/linearprobe/golden.json``.
Deterministic: numpy's ``default_rng(20261203)``; inputs are rounded to float32 first, so the Java
test feeds the very same values.

    /usr/bin/python3 tools/reference/linear_probe_reference.py [OUT.json]
"""
import json
import sys

import numpy as np


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def objective(theta, X, y, K, C):
    """Value and gradient of sklearn's scaled objective; theta = [w_k..., b_k] per class (binary: one)."""
    N, D = X.shape
    if K == 2:
        w, b = theta[:D], theta[D]
        z = X @ w + b
        loss = np.mean(np.logaddexp(0.0, z) - y * z)
        p = 1.0 / (1.0 + np.exp(-z))
        r = (p - y) / N
        g = np.concatenate([X.T @ r + w / (C * N), [r.sum()]])
        return loss + w @ w / (2 * C * N), g
    T = theta.reshape(K, D + 1)
    W, b = T[:, :D], T[:, D]
    Z = X @ W.T + b
    m = Z.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))[:, 0]
    loss = np.mean(lse - Z[np.arange(N), y])
    P = np.exp(Z - lse[:, None])
    Y = np.zeros_like(P)
    Y[np.arange(N), y] = 1
    R = (P - Y) / N
    G = np.concatenate([R.T @ X + W / (C * N), R.sum(axis=0)[:, None]], axis=1)
    return loss + (W * W).sum() / (2 * C * N), G.ravel()


def hessian(theta, X, y, K, C):
    N, D = X.shape
    Xt = np.concatenate([X, np.ones((N, 1))], axis=1)
    reg = np.ones(D + 1) / (C * N)
    reg[D] = 0
    if K == 2:
        z = Xt @ theta
        p = 1.0 / (1.0 + np.exp(-z))
        return (Xt * (p * (1 - p))[:, None]).T @ Xt / N + np.diag(reg)
    T = theta.reshape(K, D + 1)
    Z = Xt @ T.T
    Z -= Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    P /= P.sum(axis=1, keepdims=True)
    H = np.zeros((K * (D + 1), K * (D + 1)))
    for a in range(K):
        for c in range(K):
            wgt = P[:, a] * ((a == c) - P[:, c])
            H[a * (D + 1):(a + 1) * (D + 1), c * (D + 1):(c + 1) * (D + 1)] = (Xt * wgt[:, None]).T @ Xt / N
        H[a * (D + 1):(a + 1) * (D + 1), a * (D + 1):(a + 1) * (D + 1)] += np.diag(reg)
    return H


def newton(X, y, K, C):
    D = X.shape[1]
    theta = np.zeros((D + 1) if K == 2 else K * (D + 1))
    for _ in range(200):
        f, g = objective(theta, X, y, K, C)
        if np.abs(g).max() < 1e-13:
            break
        step = np.linalg.lstsq(hessian(theta, X, y, K, C), -g, rcond=None)[0]
        t = 1.0
        # Armijo backtracking far from the optimum; near it (where f changes below rounding) a full
        # step that shrinks the gradient is taken
        while t > 1e-12:
            f_t, g_t = objective(theta + t * step, X, y, K, C)
            if f_t <= f + 1e-4 * t * (g @ step) or np.abs(g_t).max() < 0.5 * np.abs(g).max():
                break
            t *= 0.5
        theta = theta + t * step
    f, g = objective(theta, X, y, K, C)
    assert np.abs(g).max() < 1e-12, np.abs(g).max()
    # (checked: the largest gradient entry at the returned point)
    return theta, f


def full_weights(theta, D, K):
    """The state as the Java learner keeps it: W [K, D], b [K] (binary: class 1 +w/2, class 0 -w/2)."""
    if K == 2:
        w, b = theta[:D], theta[D]
        return np.stack([-w / 2, w / 2]), np.array([-b / 2, b / 2])
    T = theta.reshape(K, D + 1)
    return T[:, :D], T[:, D]


def predict(theta, X, K):
    D = X.shape[1]
    W, b = full_weights(theta, D, K)
    return np.argmax(X @ W.T + b, axis=1)


def problem(rng, n_per_class, K, D, spread, shift):
    centres = rng.normal(size=(K, D)) * spread
    y = np.repeat(np.arange(K), n_per_class)
    X = centres[y] + rng.normal(size=(len(y), D)) + shift
    return f32(X), y


def lpclip_search(fit_accuracy, search_list, num_step):
    """lpclip/linear_probe.py lines 53-118, the sklearn fit replaced by fit_accuracy(C) -> val accuracy."""
    trace = []

    def acc(c):
        a = fit_accuracy(c)
        trace.append([c, a])
        return a

    acc_list = [acc(c) for c in search_list]
    peak_idx = np.argmax(acc_list)
    c_peak = search_list[peak_idx]
    c_left, c_right = 1e-1 * c_peak, 1e1 * c_peak
    c_final = None
    for step in range(num_step):
        acc_left = acc(c_left)
        acc_right = acc(c_right)
        if acc_left < acc_right:
            c_final = c_right
            c_left = 0.5 * (np.log10(c_right) + np.log10(c_left))
            c_right = np.log10(c_right)
        else:
            c_final = c_left
            c_right = 0.5 * (np.log10(c_right) + np.log10(c_left))
            c_left = np.log10(c_left)
        c_left, c_right = np.power(10, c_left), np.power(10, c_right)
    return c_final, trace


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else \
        "baselines-coop-cocoop/src/test/resources/org/ckcoop/baselines/linearprobe/golden.json"
    rng = np.random.default_rng(20261203)
    cases = []
    for name, K, D, n, C, spread in [("multinomial-c0.01", 3, 5, 10, 0.01, 1.0),
                                     ("multinomial-c1", 3, 5, 10, 1.0, 1.0),
                                     ("multinomial-c100", 4, 6, 6, 100.0, 1.5),
                                     ("binary-c0.5", 2, 3, 10, 0.5, 1.0)]:
        X, y = problem(rng, n, K, D, spread, 0.5)
        theta, f = newton(X, y, K, C)
        W, b = full_weights(theta, D, K)
        cases.append({"name": name, "classes": K, "c": C, "x": X.tolist(), "y": y.tolist(),
                      "objective": f, "weight": W.tolist(), "bias": b.tolist(),
                      "objective_at_zero": objective(np.zeros_like(theta), X, y, K, C)[0]})

    # The C search on a constructed case: 4 overlapping classes in 3 dimensions (not separable, so
    # that even C = 1e6 has a well-defined optimum), 10 examples per class to train, 4 per class to
    # validate, the validation examples shifted (a domain gap) so that C matters.
    K, D = 4, 3
    centres = rng.normal(size=(K, D)) * 1.2
    ytr = np.repeat(np.arange(K), 10)
    Xtr = f32(centres[ytr] + rng.normal(size=(len(ytr), D)) * 1.0)
    yva = np.repeat(np.arange(K), 4)
    Xva = f32(centres[yva] + rng.normal(size=(len(yva), D)) * 1.0 + rng.normal(size=D) * 0.8)
    fits = {}

    def fit_accuracy(c):
        theta, _ = newton(Xtr, ytr, K, c)
        fits[c] = theta
        return float(np.mean(predict(theta, Xva, K) == yva))

    search_list = [1e6, 1e4, 1e2, 1, 1e-2, 1e-4, 1e-6]
    c_final, trace = lpclip_search(fit_accuracy, search_list, 8)
    # how far each validation prediction is from a tie, relative to the largest logit (the Java fit
    # stops at gtol 1e-4, not at the optimum: a tiny margin would make the golden trace fragile)
    margins = []
    for c, _ in trace:
        Wc, bc = full_weights(fits[c], D, K)
        Z = np.sort(Xva @ Wc.T + bc, axis=1)
        margins.append(float((Z[:, -1] - Z[:, -2]).min() / np.abs(Z).max()))
    search = {"classes": K, "train_x": Xtr.tolist(), "train_y": ytr.tolist(), "val_x": Xva.tolist(),
              "val_y": yva.tolist(), "c_grid": search_list, "steps": 8, "chosen_c": c_final,
              "trace": trace, "smallest_relative_val_margin": min(margins)}

    # The search alone, on a stub accuracy curve (ties included), as the unit test of its logic.
    def stub(c):  # a count of correct validation examples out of 100, peaked at C = 10^0.7, with ties
        lc = np.log10(c)
        return max(0, int(np.floor(90 - 4 * (lc - 0.7) ** 2)))

    stub_final, stub_trace = lpclip_search(stub, search_list, 8)
    json.dump({"source": "tools/reference/linear_probe_reference.py (numpy " + np.__version__ + ")",
               "cases": cases, "search": search,
               "stub_search": {"chosen_c": stub_final, "trace": stub_trace}},
              open(out, "w"), indent=1)
    print("wrote", out)
    for c in cases:
        print(c["name"], "objective", c["objective"])
    print("search: chosen C", c_final, "smallest margin", min(margins))
    for (c, a), m in zip(trace, margins):
        print("  C %-24r val acc %.3f  relative margin %.2e" % (c, a, m))
    print("stub search: chosen C", stub_final)


if __name__ == "__main__":
    main()
