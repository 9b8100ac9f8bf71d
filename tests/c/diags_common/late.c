int commonlater;
