/* bgt_jni.c: the scheduler core behind JNI, for dev.bgsim.bgt.BgtNative (see BgtNative.java).
 *
 * One native handle (a jlong) owns: the core, the registry file store (backends/host/host_store.c:
 * write temp + fsync + rename + fsync dir, in the app's files directory), a global reference to
 * the Java scheduler (WorkManagerScheduler: schedule/cancel/query of the one unique work), one
 * record per defined task name, and the names of the tasks the last begin started. Natives are
 * bound with RegisterNatives in JNI_OnLoad, so no Java_* symbol is exported and R8 only has to
 * keep the class names (consumer-rules.pro).
 *
 * Task code never runs inside a native call (issue 22, 1): the core's callback (run_task) only
 * notes the task's name and returns BGT_RESULT_PENDING. BgtCore.java then takes the names
 * (pendingTasks), runs the Java task bodies in parallel outside its lock, as expo's
 * BackgroundTaskScheduler.runTasks does (expo-background-task 57.0.21, BackgroundTaskScheduler.kt
 * runTasks: one CompletableDeferred per consumer, then tasks.awaitAll()), reports each result with
 * workerSetResult and ends the run with workerEnd. So no native call lasts longer than the
 * scheduler and storage calls it makes.
 *
 * Threading: the core is not thread-safe; BgtCore.java calls every native under one short lock.
 * The backend functions run inside a native call, on its thread, so they use the JNIEnv of that
 * call (stored in the handle for its duration) and never attach threads.
 *
 * Errors: natives return the core's codes (bgt_error.h, negative) as ints; Java maps them to
 * exceptions. One thrown by the scheduler is cleared, logged and becomes BGT_E_BACKEND. */
#include <jni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgt.h"
#include "host_store.h"

#if defined(__ANDROID__)
#include <android/log.h>
#endif

#define NATIVE_CLASS "dev/bgsim/bgt/BgtNative"

typedef struct jtask {
    char *name;                /* the core's user pointer for this definition */
    struct jbgt *owner;
    struct jtask *next;
} jtask;

typedef struct jbgt {
    JNIEnv *env;               /* of the native call in progress */
    jobject scheduler;         /* global ref to a BgtNative.Scheduler */
    jmethodID m_schedule, m_cancel, m_query;
    host_store *store;
    bgt_backend store_backend; /* clock, load and save come from the file store */
    bgt *core;
    jtask *tasks;
    const char **started;      /* names (owned by tasks) the last begin returned PENDING for */
    size_t n_started, cap_started;
} jbgt;

static void jlog(void *ctx, bgt_log_level level, const char *msg)
{
    (void)ctx;
#if defined(__ANDROID__)
    static const int prio[] = { ANDROID_LOG_DEBUG, ANDROID_LOG_INFO, ANDROID_LOG_WARN,
                                ANDROID_LOG_ERROR };
    __android_log_write(prio[level <= BGT_LOG_ERROR ? level : BGT_LOG_ERROR], "bgsim", msg);
#else
    fprintf(stderr, "bgsim: %d: %s\n", (int)level, msg);
#endif
}

/* A pending Java exception from a callback: log it, clear it, tell the caller. */
static bool caught(JNIEnv *env, const char *what)
{
    if (!(*env)->ExceptionCheck(env))
        return false;
    (*env)->ExceptionDescribe(env); /* to logcat / stderr */
    (*env)->ExceptionClear(env);
    jlog(NULL, BGT_LOG_ERROR, what);
    return true;
}

/* ---- backend: clock and storage from the file store, scheduling in Java ---------------------- */

static int64_t b_now(void *ctx)
{
    jbgt *j = ctx;
    return j->store_backend.now_ms(j->store_backend.ctx);
}

static int b_load(void *ctx, unsigned char **out, size_t *out_len)
{
    jbgt *j = ctx;
    return j->store_backend.load(j->store_backend.ctx, out, out_len);
}

static int b_save(void *ctx, const unsigned char *buf, size_t len)
{
    jbgt *j = ctx;
    return j->store_backend.save(j->store_backend.ctx, buf, len);
}

static int b_schedule(void *ctx, const bgt_schedule_req *req)
{
    jbgt *j = ctx;
    jint rc = (*j->env)->CallIntMethod(j->env, j->scheduler, j->m_schedule, (jlong)req->delay_ms,
                                       (jint)req->constraints,
                                       (jboolean)(req->mode == BGT_SCHEDULE_APPEND));
    return caught(j->env, "WorkManager schedule threw") ? BGT_E_BACKEND : (int)rc;
}

static int b_cancel(void *ctx)
{
    jbgt *j = ctx;
    jint rc = (*j->env)->CallIntMethod(j->env, j->scheduler, j->m_cancel);
    return caught(j->env, "WorkManager cancel threw") ? BGT_E_BACKEND : (int)rc;
}

static int b_query(void *ctx, bgt_worker_state *out)
{
    jbgt *j = ctx;
    jint st = (*j->env)->CallIntMethod(j->env, j->scheduler, j->m_query);
    if (caught(j->env, "WorkManager query threw"))
        return BGT_E_BACKEND;
    if (st < 0)
        return (int)st;
    if (st > BGT_WORKER_RUNNING)
        return BGT_E_BACKEND;
    *out = (bgt_worker_state)st;
    return BGT_OK;
}

/* ---- tasks ----------------------------------------------------------------------------------- */

/* The core's callback for every defined task: note the name, defer the result. The Java body
 * runs later, outside the core (see the header comment). */
static int run_task(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    jtask *t = user;
    jbgt *j = t->owner;
    (void)call;
    (void)duration_ms; /* real time passes on a device; nothing to model */
    if (j->n_started == j->cap_started) {
        size_t cap = j->cap_started ? 2 * j->cap_started : 8;
        const char **grown = realloc(j->started, cap * sizeof *grown);
        if (!grown) {
            jlog(NULL, BGT_LOG_ERROR, "out of memory for a started task; counted as no result");
            return BGT_RESULT_NONE;
        }
        j->started = grown;
        j->cap_started = cap;
    }
    j->started[j->n_started++] = t->name;
    return BGT_RESULT_PENDING;
}

/* ---- helpers --------------------------------------------------------------------------------- */

static jbgt *from_handle(JNIEnv *env, jlong handle)
{
    jbgt *j = (jbgt *)(intptr_t)handle;
    if (j)
        j->env = env;
    return j;
}

/* A Java string as a malloc'd modified-UTF-8 C string (NULL on failure or null). */
static char *dup_string(JNIEnv *env, jstring s)
{
    const char *utf;
    char *copy;
    if (!s || !(utf = (*env)->GetStringUTFChars(env, s, NULL)))
        return NULL;
    size_t n = strlen(utf) + 1;
    copy = malloc(n);
    if (copy)
        memcpy(copy, utf, n);
    (*env)->ReleaseStringUTFChars(env, s, utf);
    return copy;
}

static void free_handle(JNIEnv *env, jbgt *j)
{
    jtask *t, *next;
    bgt_free(j->core);
    host_store_free(j->store);
    for (t = j->tasks; t; t = next) {
        next = t->next;
        free(t->name);
        free(t);
    }
    if (j->scheduler)
        (*env)->DeleteGlobalRef(env, j->scheduler);
    free(j->started);
    free(j);
}

/* ---- natives --------------------------------------------------------------------------------- */

/* long create(String registryPath, String preset, boolean triggerEnabled, Scheduler s):
 * the handle, or a negative bgt_err. */
static jlong n_create(JNIEnv *env, jclass cls, jstring jpath, jstring jpreset, jboolean trigger,
                      jobject scheduler)
{
    jbgt *j;
    char *path = NULL, *preset = NULL;
    jclass sched_cls;
    bgt_policy pol;
    bgt_backend b;
    int rc = BGT_E_NOMEM;
    (void)cls;
    if (!jpath || !jpreset || !scheduler)
        return BGT_E_INVAL;
    if (!(j = calloc(1, sizeof *j)))
        return BGT_E_NOMEM;
    j->env = env;
    path = dup_string(env, jpath);
    preset = dup_string(env, jpreset);
    if (!path || !preset)
        goto out_fail;
    if ((rc = bgt_policy_preset(preset, BGT_PLATFORM_ANDROID, &pol)) != BGT_OK)
        goto out_fail;
    pol.trigger_enabled = trigger == JNI_TRUE;
    rc = BGT_E_BACKEND;
    if (!(sched_cls = (*env)->GetObjectClass(env, scheduler)))
        goto out_fail;
    j->m_schedule = (*env)->GetMethodID(env, sched_cls, "schedule", "(JIZ)I");
    j->m_cancel = (*env)->GetMethodID(env, sched_cls, "cancel", "()I");
    j->m_query = (*env)->GetMethodID(env, sched_cls, "query", "()I");
    if (!j->m_schedule || !j->m_cancel || !j->m_query)
        goto out_fail; /* NoSuchMethodError stays pending for Java */
    if (!(j->scheduler = (*env)->NewGlobalRef(env, scheduler)))
        goto out_fail;
    if ((rc = host_store_create(path, &j->store)) != BGT_OK)
        goto out_fail;
    j->store_backend = host_store_backend(j->store);
    b.ctx = j;
    b.now_ms = b_now;
    b.schedule = b_schedule;
    b.cancel = b_cancel;
    b.query = b_query;
    b.load = b_load;
    b.save = b_save;
    b.log = jlog;
    if ((rc = bgt_create(&b, &pol, &j->core)) != BGT_OK)
        goto out_fail;
    free(path);
    free(preset);
    return (jlong)(intptr_t)j;
out_fail:
    free(path);
    free(preset);
    free_handle(env, j);
    return rc;
}

static void n_free(JNIEnv *env, jclass cls, jlong h)
{
    jbgt *j = from_handle(env, h);
    (void)cls;
    if (j)
        free_handle(env, j);
}

static jint n_process_start(JNIEnv *env, jclass cls, jlong h, jint flags)
{
    (void)cls;
    return bgt_process_start(from_handle(env, h)->core, (unsigned)flags);
}

static jint n_foreground(JNIEnv *env, jclass cls, jlong h, jboolean fg)
{
    jbgt *j = from_handle(env, h);
    (void)cls;
    return fg ? bgt_foreground(j->core) : bgt_background(j->core);
}

/* int defineTask(long h, String name): the Java body lives in BgtCore's map; the core only needs
 * to know the name is defined in this process. Redefinition keeps the record. */
static jint n_define_task(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
    jbgt *j = from_handle(env, h);
    jtask *t;
    char *name;
    int rc;
    (void)cls;
    if (!(name = dup_string(env, jname)))
        return BGT_E_INVAL;
    for (t = j->tasks; t && strcmp(t->name, name) != 0; t = t->next)
        ;
    if (t) {
        free(name);
        return BGT_OK;
    }
    if (!(t = calloc(1, sizeof *t))) {
        free(name);
        return BGT_E_NOMEM;
    }
    t->name = name;
    t->owner = j;
    if ((rc = bgt_define_task(j->core, name, run_task, t)) != BGT_OK) {
        free(t->name);
        free(t);
        return rc;
    }
    t->next = j->tasks;
    j->tasks = t;
    return BGT_OK;
}

static jint n_register(JNIEnv *env, jclass cls, jlong h, jstring jname, jboolean has_interval,
                       jlong interval_min)
{
    jbgt *j = from_handle(env, h);
    bgt_task_options opts;
    char *name = dup_string(env, jname);
    int rc;
    (void)cls;
    if (!name)
        return BGT_E_INVAL;
    opts.has_minimum_interval = has_interval == JNI_TRUE;
    opts.minimum_interval_min = has_interval ? (int64_t)interval_min : 0;
    rc = bgt_register_task(j->core, name, &opts);
    free(name);
    return rc;
}

static jint n_unregister(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
    jbgt *j = from_handle(env, h);
    char *name = dup_string(env, jname);
    int rc;
    (void)cls;
    if (!name)
        return BGT_E_INVAL;
    rc = bgt_unregister_task(j->core, name);
    free(name);
    return rc;
}

static jint n_unregister_all(JNIEnv *env, jclass cls, jlong h)
{
    (void)cls;
    return bgt_unregister_all(from_handle(env, h)->core);
}

static jobjectArray n_registered(JNIEnv *env, jclass cls, jlong h)
{
    jbgt *j = from_handle(env, h);
    size_t i, n = bgt_task_count(j->core);
    jclass string_cls = (*env)->FindClass(env, "java/lang/String");
    jobjectArray arr;
    (void)cls;
    if (!string_cls || !(arr = (*env)->NewObjectArray(env, (jsize)n, string_cls, NULL)))
        return NULL;
    for (i = 0; i < n; i++) {
        const char *name;
        jstring s;
        if (bgt_task_at(j->core, i, &name, NULL) != BGT_OK || !(s = (*env)->NewStringUTF(env, name)))
            return NULL;
        (*env)->SetObjectArrayElement(env, arr, (jsize)i, s);
        (*env)->DeleteLocalRef(env, s);
    }
    return arr;
}

static jint n_status(JNIEnv *env, jclass cls, jlong h)
{
    (void)cls;
    return (jint)bgt_get_status(from_handle(env, h)->core);
}

/* int workerBegin(long h, boolean trigger): the run kind (> 0) or a negative error; then
 * pendingTasks, workerSetResult per task, and workerEnd once. trigger: the testing helper's begin
 * (BGT_E_UNAVAILABLE unless enabled). */
static jint n_worker_begin(JNIEnv *env, jclass cls, jlong h, jboolean trigger)
{
    jbgt *j = from_handle(env, h);
    bgt_worker_report rep;
    int rc;
    (void)cls;
    j->n_started = 0;
    rc = trigger ? bgt_trigger_begin(j->core, &rep) : bgt_worker_begin(j->core, &rep);
    return rc == BGT_OK ? (jint)rep.kind : rc;
}

/* String[] pendingTasks(long h): the tasks the last begin started, in registration order. */
static jobjectArray n_pending_tasks(JNIEnv *env, jclass cls, jlong h)
{
    jbgt *j = from_handle(env, h);
    jclass string_cls = (*env)->FindClass(env, "java/lang/String");
    jobjectArray arr;
    size_t i;
    (void)cls;
    if (!string_cls || !(arr = (*env)->NewObjectArray(env, (jsize)j->n_started, string_cls, NULL)))
        return NULL;
    for (i = 0; i < j->n_started; i++) {
        jstring s = (*env)->NewStringUTF(env, j->started[i]);
        if (!s)
            return NULL;
        (*env)->SetObjectArrayElement(env, arr, (jsize)i, s);
        (*env)->DeleteLocalRef(env, s);
    }
    return arr;
}

/* int workerSetResult(long h, String name, int result): bgt_worker_set_result. */
static jint n_worker_set_result(JNIEnv *env, jclass cls, jlong h, jstring jname, jint result)
{
    jbgt *j = from_handle(env, h);
    char *name = dup_string(env, jname);
    int rc;
    (void)cls;
    if (!name)
        return BGT_E_INVAL;
    rc = bgt_worker_set_result(j->core, name, (int)result);
    free(name);
    return rc;
}

/* int workerEnd(long h, boolean expired): 1 if a successor was scheduled, 0 if not, or < 0. */
static jint n_worker_end(JNIEnv *env, jclass cls, jlong h, jboolean expired)
{
    bgt_worker_report rep;
    int rc;
    (void)cls;
    memset(&rep, 0, sizeof rep);
    rc = bgt_worker_end(from_handle(env, h)->core, expired ? BGT_END_EXPIRED : BGT_END_COMPLETED,
                        &rep);
    return rc == BGT_OK ? (jint)rep.rescheduled : rc;
}

static jstring n_strerror(JNIEnv *env, jclass cls, jint rc)
{
    (void)cls;
    return (*env)->NewStringUTF(env, bgt_strerror(rc));
}

#define NATIVE(name, sig, fn) { (char *)(name), (char *)(sig), (void *)(fn) }

static const JNINativeMethod natives[] = {
    NATIVE("create", "(Ljava/lang/String;Ljava/lang/String;ZLdev/bgsim/bgt/BgtNative$Scheduler;)J",
           n_create),
    NATIVE("free", "(J)V", n_free),
    NATIVE("processStart", "(JI)I", n_process_start),
    NATIVE("setForeground", "(JZ)I", n_foreground),
    NATIVE("defineTask", "(JLjava/lang/String;)I", n_define_task),
    NATIVE("register", "(JLjava/lang/String;ZJ)I", n_register),
    NATIVE("unregister", "(JLjava/lang/String;)I", n_unregister),
    NATIVE("unregisterAll", "(J)I", n_unregister_all),
    NATIVE("registeredTasks", "(J)[Ljava/lang/String;", n_registered),
    NATIVE("status", "(J)I", n_status),
    NATIVE("workerBegin", "(JZ)I", n_worker_begin),
    NATIVE("pendingTasks", "(J)[Ljava/lang/String;", n_pending_tasks),
    NATIVE("workerSetResult", "(JLjava/lang/String;I)I", n_worker_set_result),
    NATIVE("workerEnd", "(JZ)I", n_worker_end),
    NATIVE("strerror", "(I)Ljava/lang/String;", n_strerror),
};

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    JNIEnv *env;
    jclass cls;
    (void)reserved;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK)
        return JNI_ERR;
    if (!(cls = (*env)->FindClass(env, NATIVE_CLASS)))
        return JNI_ERR;
    if ((*env)->RegisterNatives(env, cls, natives, (jint)(sizeof natives / sizeof natives[0])) != 0)
        return JNI_ERR;
    return JNI_VERSION_1_6;
}
