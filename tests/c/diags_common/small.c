int shrinks;
