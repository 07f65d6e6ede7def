/* standin.h — the stand-in for RED4ext and the game (test code, never shipped). RED4ext.dll
 * (standin-loader.c + standin-rtti.c) does what RED4ext's loader is documented to do, and stands
 * in for the few engine pieces the plugin reaches by hash; Cyberpunk2077.exe (standin-game.c)
 * loads it and plays the scripts' side. Everything it prints is one JSON line on stdout. What it
 * cannot be: the game's RTTI, script VM and opcodes are only stood in for (docs/mod.md). */
#ifndef COOP_STANDIN_H
#define COOP_STANDIN_H

#include <stdint.h>
#include <stdio.h>

#include "red4ext-abi.h"

#define STANDIN_API __declspec(dllexport)
/* The stand-in's opcodes (the real game's numbering is its own): a value cell, and ParamEnd,
 * which the plugin only skips. */
#define STANDIN_OP_VALUE 0x01
#define STANDIN_OP_PARAM_END 0x26

/* A value the stand-in VM hands to a native: size bytes of data, as the game lays it out. */
typedef struct { uint32_t size; uint32_t pad; _Alignas(16) uint8_t data[0x20]; } standin_cell;

/* standin-rtti.c */
void rtti_init(void);
void rtti_run_post_register(void);
/* Calls the registered native `name` with the cells as its arguments; NULL out for Void. 0 when
 * no such native was registered. */
int rtti_call(const char *name, standin_cell *const *args, int n, void *out);
int rtti_native_count(void);
void cstring_set(r4e_cstring *s, const char *text);
const char *cstring_text(const r4e_cstring *s);

/* standin-loader.c: one JSON line, flushed (the test reads stdout as a file). */
void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run the game states in order; the Running state's updates call `frame` until it returns 0. */
typedef int (*standin_frame_fn)(void *user);
STANDIN_API int Standin_Run(const wchar_t *game_dir, standin_frame_fn frame, void *user);
STANDIN_API uintptr_t RED4ext_ResolveAddress(uint32_t hash);
/* The scripts' side: call a registered native (see rtti_call). */
STANDIN_API int Standin_Call(const char *name, standin_cell *const *args, int n, void *out);
STANDIN_API void Standin_CStringSet(r4e_cstring *s, const char *text);
STANDIN_API const char *Standin_CStringText(const r4e_cstring *s);

#endif
