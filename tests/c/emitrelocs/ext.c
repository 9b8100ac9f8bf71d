int ext = 3;
