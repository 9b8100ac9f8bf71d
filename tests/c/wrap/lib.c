int compute(int x) { return x * x; }
/* a reference to compute from its own object: defined here, so --wrap does not apply */
int compute_internal_user(int x) { return compute(x) + 1; }
