/*
 * run_pool.c - a counter, a lock and J threads.
 */
#include "run_pool.h"

#include <pthread.h>

typedef struct pool {
    size_t count, next, done;
    run_pool_worker_fn job;
    run_pool_progress_fn progress;
    void *ctx;
    pthread_mutex_t lock;
} pool;

typedef struct worker {
    pool *p;
    int index;
} worker;

static void *worker_main(void *arg)
{
    const worker *w = arg;
    pool *p = w->p;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->count)
            return NULL;
        p->job(p->ctx, i, w->index);
        if (p->progress) {
            pthread_mutex_lock(&p->lock);
            p->progress(p->ctx, ++p->done, p->count);
            pthread_mutex_unlock(&p->lock);
        }
    }
}

void run_pool_workers(size_t count, int jobs, run_pool_worker_fn job, run_pool_progress_fn progress, void *ctx)
{
    pool p = {.count = count, .job = job, .progress = progress, .ctx = ctx};
    if (jobs < 1)
        jobs = 1;
    if (jobs > RUN_POOL_MAX_JOBS)
        jobs = RUN_POOL_MAX_JOBS;
    pthread_mutex_init(&p.lock, NULL);
    pthread_t threads[RUN_POOL_MAX_JOBS];
    worker workers[RUN_POOL_MAX_JOBS];
    int started = 0;
    for (; started < jobs - 1; started++) {
        workers[started] = (worker){.p = &p, .index = started + 1};
        if (pthread_create(&threads[started], NULL, worker_main, &workers[started]) != 0)
            break; /* fewer threads: slower, same results */
    }
    worker self = {.p = &p, .index = 0};
    worker_main(&self);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&p.lock);
}

typedef struct plain {
    run_pool_job_fn job;
    void *ctx;
} plain;

static void plain_job(void *ctx, size_t index, int worker_index)
{
    (void)worker_index;
    const plain *pl = ctx;
    pl->job(pl->ctx, index);
}

typedef struct plain_progress {
    plain pl;
    run_pool_progress_fn progress;
} plain_progress;

static void plain_progress_fn(void *ctx, size_t done, size_t count)
{
    const plain_progress *pp = ctx;
    pp->progress(pp->pl.ctx, done, count);
}

void run_pool(size_t count, int jobs, run_pool_job_fn job, run_pool_progress_fn progress, void *ctx)
{
    plain_progress pp = {.pl = {.job = job, .ctx = ctx}, .progress = progress};
    run_pool_workers(count, jobs, plain_job, progress ? plain_progress_fn : NULL, &pp);
}
