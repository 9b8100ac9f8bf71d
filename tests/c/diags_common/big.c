long grows[8];
