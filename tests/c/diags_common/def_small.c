char aligned[10] = "x"; int pad = 1;
