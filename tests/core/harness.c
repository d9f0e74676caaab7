/* harness.c: see harness.h. */
#include "harness.h"

#include <criterion/criterion.h>
#include <string.h>

static const char *const names[] = { "a", "b", "c", "d" };
static int order_stamp;

const char *h_name(int idx) { return names[idx]; }

int task_fn(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    task_spy *s = user;
    (void)call;
    s->calls++;
    s->last_now = call->now_ms;
    s->order = ++order_stamp;
    *duration_ms = s->duration_ms;
    if (s->reenter) {
        s->reenter_rc = bgt_register_task(s->reenter, "a", NULL);
        s->reenter_ro = bgt_is_registered(s->reenter, "a");
    }
    return s->result;
}

void h_init(harness *h, const char *preset, bgt_platform platform)
{
    int i;
    memset(h, 0, sizeof *h);
    fake_init(&h->f);
    cr_assert_eq(bgt_policy_preset(preset, platform, &h->pol), BGT_OK);
    for (i = 0; i < 4; i++)
        h->spy[i].result = BGT_RESULT_SUCCESS;
}

void h_start(harness *h)
{
    bgt_backend b = fake_backend(&h->f);
    if (!h->c)
        cr_assert_eq(bgt_create(&b, &h->pol, &h->c), BGT_OK);
    cr_assert_eq(bgt_process_start(h->c, 0), BGT_OK);
}

void h_fini(harness *h)
{
    bgt_free(h->c);
    fake_fini(&h->f);
}

void h_define(harness *h, int idx)
{
    cr_assert_eq(bgt_define_task(h->c, names[idx], task_fn, &h->spy[idx]), BGT_OK);
}

void h_reg(harness *h, int idx, int64_t minutes)
{
    bgt_task_options o = { minutes >= 0, minutes >= 0 ? minutes : 0 };
    h_define(h, idx);
    cr_assert_eq(bgt_register_task(h->c, names[idx], &o), BGT_OK);
}

void h_restart(harness *h)
{
    int i;
    cr_assert_eq(bgt_process_kill(h->c), BGT_OK);
    for (i = 0; i < 4; i++)
        h_define(h, i);
    cr_assert_eq(bgt_process_start(h->c, 0), BGT_OK);
}
