extern char prov_used[], phid[], foo[], plus[], abs1[];
char *q[] = {prov_used, phid, foo, plus, abs1};
