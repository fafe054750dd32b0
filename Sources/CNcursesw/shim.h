#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
/* SwiftPM drops pkg-config's -D_XOPEN_SOURCE, so turn on the wide API before curses.h. */
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

/* C globals are errors in Swift 6 mode: read them through functions. */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline SCREEN *cn_newterm_stdio(const char *type) { return newterm(type, stdout, stdin); }
/* TERM=dumb opens but cannot address the cursor. */
static inline int cn_can_address_cursor(void) {
  const char *s = tigetstr("cup"); return s != NULL && s != (const char *)-1; }
static inline int cn_locale_is_utf8(void) {
  const char *c = nl_langinfo(CODESET); return c != NULL && (c[0]=='U'||c[0]=='u') && (c[1]=='T'||c[1]=='t') && (c[2]=='F'||c[2]=='f'); }

static inline attr_t cn_a_normal(void)    { return A_NORMAL; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_reverse(void)   { return A_REVERSE; }
static inline attr_t cn_a_dim(void)       { return A_DIM; }
static inline attr_t cn_a_bold(void)      { return A_BOLD; }
static inline attr_t cn_a_italic(void)    { return A_ITALIC; }

static inline mmask_t cn_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t cn_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t cn_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cn_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t cn_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t cn_button5_pressed(void) { return BUTTON5_PRESSED; }
#endif
