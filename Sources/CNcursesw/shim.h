// Typed access to ncursesw for Swift 6: macros, casts and mutable globals become functions.
#ifndef LOOKOUT_CNCURSESW_SHIM_H
#define LOOKOUT_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *lo_stdscr(void) { return stdscr; }
static inline int lo_lines(void) { return LINES; }
static inline int lo_cols(void) { return COLS; }
static inline int lo_colors(void) { return COLORS; }

static inline attr_t lo_attr_bold(void) { return A_BOLD; }
static inline attr_t lo_attr_dim(void) { return A_DIM; }
static inline attr_t lo_attr_reverse(void) { return A_REVERSE; }
static inline attr_t lo_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t lo_attr_normal(void) { return A_NORMAL; }
static inline attr_t lo_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }

/// Reads one key: returns OK with a character, KEY_CODE_YES with a function key, or ERR.
static inline int lo_get_wch(int *out) {
    wint_t ch = 0;
    int rc = wget_wch(stdscr, &ch);
    *out = (int)ch;
    return rc;
}

/// Draws a UTF-8 string at (y, x) with the given attributes and colour pair.
static inline int lo_draw(int y, int x, const char *utf8, attr_t attrs, short pair) {
    attr_set(attrs, pair, NULL);
    return mvaddstr(y, x, utf8);
}

/// A colour pair whose colours may exceed a short: 24-bit RGB under a direct-colour terminfo (xterm-direct).
static inline int lo_init_extended_pair(int pair, int fg, int bg) { return init_extended_pair(pair, fg, bg); }

/// Reports clicks and the wheel (on) or nothing (off); presses come at once, not after a click interval.
static inline int lo_mouse(int on) {
    mouseinterval(0);
    mmask_t wanted = on ? (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0;
    return mousemask(wanted, NULL) == wanted ? OK : ERR;
}

static inline int lo_key_mouse(void) { return KEY_MOUSE; }

/// The pending mouse event: 1 a click (or press) of the first button, 2 the wheel up, 3 down, 0 anything else,
/// -1 none; the cell in x and y.
static inline int lo_mouse_event(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON4_PRESSED) return 2;
    if (event.bstate & BUTTON5_PRESSED) return 3;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    return 0;
}

#endif
