int api_never_pulled(void) { return 42; }
