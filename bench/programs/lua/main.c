/* bench job "lua": a host program embedding Lua 5.4 from liblua5.4.a. */
#include <stdio.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

/* A C function called from Lua: returns the sum and the product of its args. */
static int c_sumprod(lua_State *L)
{
    int n = lua_gettop(L);
    lua_Integer sum = 0, prod = 1;
    for (int i = 1; i <= n; i++) {
        lua_Integer v = luaL_checkinteger(L, i);
        sum += v;
        prod *= v;
    }
    lua_pushinteger(L, sum);
    lua_pushinteger(L, prod);
    return 2;
}

static void run(lua_State *L, const char *title, const char *code)
{
    printf("-- %s\n", title);
    int base = lua_gettop(L);
    int rc = luaL_loadstring(L, code);
    if (rc == LUA_OK)
        rc = lua_pcall(L, 0, LUA_MULTRET, 0);
    if (rc != LUA_OK) {
        printf("error(%d): %s\n", rc, lua_tostring(L, -1));
        lua_settop(L, base);
        return;
    }
    int nres = lua_gettop(L) - base;
    for (int i = 1; i <= nres; i++) {
        const char *s = luaL_tolstring(L, base + i, NULL);
        printf("  result %d: %s\n", i, s);
        lua_pop(L, 1);
    }
    lua_settop(L, base);
}

int main(void)
{
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_register(L, "sumprod", c_sumprod);

    printf("%s\n", LUA_RELEASE);
    run(L, "loop", "local s = 0\n"
                   "for i = 1, 1000 do if i % 3 == 0 or i % 5 == 0 then s = s + i end end\n"
                   "local f = 1\n"
                   "for i = 2, 20 do f = f * i end\n"
                   "return s, f, 2^10, 7 // 2, 7 % -3");
    run(L, "strings", "local s = 'The quick brown fox jumps over the lazy dog'\n"
                      "local words = {}\n"
                      "for w in s:gmatch('%a+') do words[#words + 1] = w:lower() end\n"
                      "table.sort(words)\n"
                      "return table.concat(words, ','), s:upper():reverse(),\n"
                      "       (s:gsub('o', '0')), string.format('%5.2f|%-6s|%x', math.pi, 'ab', 48879),\n"
                      "       ('ab'):rep(3, '-'), s:find('fox')");
    run(L, "pcall", "local ok, err = pcall(function() error('boom') end)\n"
                    "local ok2, err2 = pcall(function() error({code = 42}) end)\n"
                    "local ok3, err3 = pcall(function() local t = nil; return t.x end)\n"
                    "return ok, err, ok2, err2.code, ok3, err3");
    run(L, "c-call", "local s, p = sumprod(1, 2, 3, 4, 5)\n"
                     "local ok, err = pcall(sumprod, 1, 'x')\n"
                     "return s, p, ok, err");
    run(L, "coroutine", "local co = coroutine.wrap(function(a)\n"
                        "  local acc = {}\n"
                        "  for i = 1, 5 do a = coroutine.yield(a * i); acc[#acc + 1] = a end\n"
                        "  return table.concat(acc, ' ')\n"
                        "end)\n"
                        "local out = {}\n"
                        "local v = co(1)\n"
                        "for i = 1, 5 do out[#out + 1] = tostring(v); v = co(v + 1) end\n"
                        "return table.concat(out, ' '), v");
    run(L, "syntax error", "return 1 +");
    run(L, "runtime error", "local t = setmetatable({}, {__index = function(_, k) error('no field ' .. k, 0) end})\n"
                            "return t.missing");
    lua_close(L);
    return 0;
}
