/* old_api carries a .gnu.warning.old_api section: every link that references it warns. */
static const char old_api_warning[] __attribute__((used, section(".gnu.warning.old_api"))) =
    "old_api is deprecated; use new_api";

int old_api(int x) { return x * 3; }
int new_api(int x) { return x * 4; }
