/* bench job "sqlite": an in-memory database driven through Debian's static
 * libsqlite3.a.  Everything printed is deterministic so that the output of
 * the ld.bfd-linked and the braze-linked program can be compared verbatim. */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

static sqlite3 *db;

static void die(const char *what)
{
    fprintf(stderr, "sqlite error in %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sqlite error: %s\n  in: %s\n", err ? err : "?", sql);
        exit(1);
    }
}

static int print_row(void *tag, int ncols, char **vals, char **names)
{
    (void)names;
    printf("  %s:", (const char *)tag);
    for (int i = 0; i < ncols; i++)
        printf(" %s", vals[i] ? vals[i] : "NULL");
    putchar('\n');
    return 0;
}

static void query(const char *tag, const char *sql)
{
    char *err = NULL;
    printf("%s\n", sql);
    if (sqlite3_exec(db, sql, print_row, (void *)tag, &err) != SQLITE_OK) {
        fprintf(stderr, "sqlite error: %s\n", err ? err : "?");
        exit(1);
    }
}

int main(void)
{
    static const char *const categories[] = { "tools", "books", "food", "games", "garden" };
    static const char *const adjectives[] = { "red", "big", "old", "fast", "tiny", "shiny", "odd" };
    static const char *const nouns[] = { "hammer", "novel", "apple", "puzzle", "rake", "lamp" };

    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        die("open");
    exec("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
         " category TEXT NOT NULL, price REAL NOT NULL, qty INTEGER NOT NULL)");
    exec("CREATE INDEX items_by_category ON items(category)");

    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db, "INSERT INTO items(name, category, price, qty) VALUES (?, ?, ?, ?)",
                           -1, &ins, NULL) != SQLITE_OK)
        die("prepare");

    exec("BEGIN");
    unsigned seed = 12345;
    for (int i = 0; i < 500; i++) {
        char name[64];
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8;
        snprintf(name, sizeof name, "%s %s #%d", adjectives[r % 7], nouns[(r / 7) % 6], i);
        sqlite3_bind_text(ins, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, categories[(r / 42) % 5], -1, SQLITE_STATIC);
        sqlite3_bind_double(ins, 3, (double)(r % 10000) / 100.0);
        sqlite3_bind_int(ins, 4, (int)(r % 37));
        if (sqlite3_step(ins) != SQLITE_DONE)
            die("step");
        sqlite3_reset(ins);
    }
    exec("COMMIT");
    sqlite3_finalize(ins);

    query("row", "SELECT COUNT(*), SUM(qty), printf('%.2f', SUM(price * qty)) FROM items");
    query("cat", "SELECT category, COUNT(*), SUM(qty), printf('%.2f', AVG(price)),"
                 " printf('%.2f', MIN(price)), printf('%.2f', MAX(price))"
                 " FROM items GROUP BY category ORDER BY category");
    query("top", "SELECT id, name, printf('%.2f', price) FROM items ORDER BY price DESC, id LIMIT 5");
    query("cheap", "SELECT upper(name), qty FROM items WHERE price < 1.0 ORDER BY name LIMIT 5");
    query("json", "SELECT json_group_array(category) FROM"
                  " (SELECT DISTINCT category FROM items ORDER BY category)");
    query("cte", "WITH RECURSIVE fib(n, a, b) AS (SELECT 1, 0, 1 UNION ALL"
                 " SELECT n + 1, b, a + b FROM fib WHERE n < 15)"
                 " SELECT group_concat(a, ',') FROM fib");

    printf("sqlite3_libversion: %s\n", sqlite3_libversion());
    printf("source id matches header: %s\n",
           sqlite3_libversion_number() == SQLITE_VERSION_NUMBER ? "yes" : "no");
    if (sqlite3_close(db) != SQLITE_OK)
        die("close");
    return 0;
}
