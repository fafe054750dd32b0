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
static inline attr_t cn_a_blink(void)     { return A_BLINK; }
static inline attr_t cn_a_standout(void)  { return A_STANDOUT; }
static inline attr_t cn_a_color(void)     { return A_COLOR; }
static inline attr_t cn_a_altcharset(void) { return A_ALTCHARSET; }
static inline int cn_key_f(int n) { return KEY_F(n); }

/* ACS_* index acs_map[], an incomplete array Swift rejects; valid only after newterm.
   Used for box drawing when the locale is not UTF-8. */
static inline chtype cn_acs_hline(void)    { return ACS_HLINE; }
static inline chtype cn_acs_vline(void)    { return ACS_VLINE; }
static inline chtype cn_acs_ulcorner(void) { return ACS_ULCORNER; }
static inline chtype cn_acs_urcorner(void) { return ACS_URCORNER; }
static inline chtype cn_acs_llcorner(void) { return ACS_LLCORNER; }
static inline chtype cn_acs_lrcorner(void) { return ACS_LRCORNER; }
static inline chtype cn_acs_ltee(void)     { return ACS_LTEE; }
static inline chtype cn_acs_rtee(void)     { return ACS_RTEE; }
static inline chtype cn_acs_ttee(void)     { return ACS_TTEE; }
static inline chtype cn_acs_btee(void)     { return ACS_BTEE; }
static inline chtype cn_acs_plus(void)     { return ACS_PLUS; }
static inline chtype cn_acs_block(void)    { return ACS_BLOCK; }
static inline chtype cn_acs_ckboard(void)  { return ACS_CKBOARD; }
static inline chtype cn_acs_bullet(void)   { return ACS_BULLET; }
static inline chtype cn_acs_diamond(void)  { return ACS_DIAMOND; }
static inline chtype cn_acs_rarrow(void)   { return ACS_RARROW; }
static inline chtype cn_acs_larrow(void)   { return ACS_LARROW; }
static inline chtype cn_acs_uarrow(void)   { return ACS_UARROW; }
static inline chtype cn_acs_darrow(void)   { return ACS_DARROW; }

/* newterm on explicit files (headless tests: /dev/null). */
static inline SCREEN *cn_newterm_files(const char *type, const char *out, const char *in) {
  FILE *o = fopen(out, "w"); FILE *i = fopen(in, "r");
  if (!o || !i) { if (o) fclose(o); if (i) fclose(i); return NULL; }
  return newterm(type, o, i); }

static inline mmask_t cn_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t cn_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t cn_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cn_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t cn_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t cn_button5_pressed(void) { return BUTTON5_PRESSED; }
#endif
