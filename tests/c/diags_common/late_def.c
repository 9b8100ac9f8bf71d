int commonlater = 4;
