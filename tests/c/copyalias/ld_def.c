__thread int tv = 5;
