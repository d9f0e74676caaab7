/*
 * rep_perfetto.h - a run as Chrome trace-event JSON (the "JSON trace format" that ui.perfetto.dev
 * and chrome://tracing open).
 *
 * One process, "device", with these tracks (tid):
 *   1 battery        counter track ("ph":"C", name "battery", args {"level_percent"})
 *   2 charging       state track: complete slices ("ph":"X") named "plugged in" / "power saving"
 *   3 network        state track: "wifi", "cellular", "none", "airplane"
 *   4 screen         state track: "screen on", "user asleep"
 *   5 doze           state track: "doze / idle"
 *   6 app            state track: "foreground", "background"; process deaths as instant events
 *                    ("ph":"i", "s":"t") named by cause
 *   7 worker         a slice per worker run (args: due_ms, delay_ms, kind)
 *   8 held           a slice per span the OS held a due worker back, named by reason
 *   100 + i          task i: a slice per run (args: result)
 * Metadata events ("ph":"M") name the process and every track; "sort_index" keeps this order.
 * Timestamps are microseconds since the start of the run ("ts", "dur": integers). Events are
 * written one per line, metadata first, then track by track in time order.
 */
#ifndef BGSIM_REP_PERFETTO_H
#define BGSIM_REP_PERFETTO_H

#include <stdio.h>

#include "rep_record.h"

/* Writes the trace of a record with states (run_options.record_states). 0, or -1 on a write
 * error (check ferror on out). */
int rep_perfetto_write(FILE *out, const char *scenario_name, const rep_record *rec);

#endif
