extern int ext_only_dead(int);
int dead2(int x){return ext_only_dead(x)+1;}
int live(int x){return x;}
