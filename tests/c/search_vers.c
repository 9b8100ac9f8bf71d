/* A library whose exports a version script or dynamic list found by the -L search decides. */
int kept(int x) { return x + 1; }
int hidden_by_script(int x) { return x * 2; }
int also_kept = 3;
