extern int api_missing_function(int);
extern int api_missing_data;
int main(void) { return api_missing_function(api_missing_data); }
