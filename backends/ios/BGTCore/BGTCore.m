/* BGTCore.m: see BGTCore.h. Written for ARC (the podspec and Package.swift build it with ARC);
 * it avoids ARC-only constructs so that CI can also compile and run it on Linux against GNUstep's
 * Foundation, where only the GCC runtime (no ARC) is available (backends/ios/CMakeLists.txt,
 * tests/backends/ios).
 *
 * Mapping of the core's backend (core/bgt_backend.h) onto BGTaskScheduler:
 *   schedule  cancel the pending request, submit a BGProcessingTaskRequest with
 *             earliestBeginDate = now + delay, requiresNetworkConnectivity = NETWORK,
 *             requiresExternalPower = CHARGING. BATTERY_NOT_LOW has no iOS equivalent (iOS defers
 *             by itself in Low Power Mode); it is logged once and otherwise ignored. An APPEND
 *             while the worker runs is submitted at once: the core calls it from worker_end, right
 *             after the tasks finished, so "relative to completion" holds.
 *   cancel    cancelTaskRequestWithIdentifier. A running launch cannot be cancelled on iOS; it
 *             finishes and, with no task left, schedules nothing.
 *   query     an in-process record (BGTaskScheduler's pending list is only asynchronous): RUNNING
 *             inside a launch, ENQUEUED after a submit, NONE after a cancel and at every cold
 *             launch, which is when expo re-submits (docs/SOURCES.md E3.3).
 *   load/save the registry file in Application Support/bgsim/registry.bin through
 *             backends/host/host_store.c (write temp + fsync + rename + fsync dir).
 *
 * A launch (expo-background-task 57.0.21, BackgroundTaskAppDelegate.swift, the launch handler
 * given to BGTaskScheduler.register(forTaskWithIdentifier:using:launchHandler:)):
 *   1. under the lock, bgt_worker_begin; the core's callback (note_started) only notes each task
 *      name and returns BGT_RESULT_PENDING, so no task code runs under the lock (issue 22, 1);
 *   2. each task block runs on a thread of its own, in parallel (expo: EXTaskService runTasks
 *      runs every consumer and calls back once all finished); each result is reported under the
 *      lock with bgt_worker_set_result;
 *   3. the last one ends the run (bgt_worker_end COMPLETED: the successor) and completes the
 *      BGTask with success YES whatever the results, as expo does;
 *   4. if the expiration handler fires first: the run ends at once as EXPIRED (the iOS policy
 *      reschedules, expo's reschedule()), the expiration listeners are called (expo posts
 *      onTasksExpired), and the BGTask is completed with success NO at once (expo:
 *      task.setTaskCompleted(success: false) in the handler). Results that come later are dropped.
 * Status follows expo's getStatusAsync (BackgroundTaskModule.swift): Available whenever
 * supportsBackgroundTasks() (BackgroundTaskScheduler.swift: false only on the simulator), so the
 * Background App Refresh setting is exposed separately (backgroundRefreshStatus). */
#import "BGTCore.h"

#import <BackgroundTasks/BackgroundTasks.h>
#import <UIKit/UIKit.h>

#include "bgt.h"
#include "host_store.h"

#include <stdlib.h>

#if __has_feature(objc_arc)
#define BGT_RETAIN(x) (x)
#define BGT_RELEASE(x) ((void)0)
#define BGT_AUTORELEASE(x) (x)
#else
#define BGT_RETAIN(x) [(x) retain]
#define BGT_RELEASE(x) [(x) release]
#define BGT_AUTORELEASE(x) [(x) autorelease]
#endif

NSString *const BGTCoreTaskIdentifier = @"com.expo.modules.backgroundtask.processing";
NSString *const BGTCoreErrorDomain = @"dev.bgsim.bgt";

static NSString *gPreset = @"current";
static NSString *gIdentifier = nil; /* nil: BGTCoreTaskIdentifier */
static BOOL gDebugTrigger = NO;
static BGTCore *gShared = nil;

/* One launch (or testing trigger): guarded by the core's lock. */
@interface BGTRun : NSObject {
@public
    BGTask *task;        /* retained until completed; nil for the testing trigger */
    NSUInteger remaining; /* tasks that have not returned */
    BOOL ended, expired;
}
@end

@implementation BGTRun
#if !__has_feature(objc_arc)
- (void)dealloc
{
    [task release];
    [super dealloc];
}
#endif
@end

@interface BGTCore ()
- (int)submitDelayMs:(int64_t)delayMs constraints:(unsigned)constraints;
- (int)cancelRequest;
- (bgt_worker_state)recordedState;
- (void)noteStarted:(const char *)name;
- (void)taskThread:(NSArray *)args;
- (void)finishRun:(BGTRun *)run;
- (void)expireRun:(BGTRun *)run;
- (void)handleTask:(BGTask *)task;
@end

static int b_schedule(void *ctx, const bgt_schedule_req *req)
{
    return [(__bridge BGTCore *)ctx submitDelayMs:req->delay_ms constraints:req->constraints];
}

static int b_cancel(void *ctx)
{
    return [(__bridge BGTCore *)ctx cancelRequest];
}

static int b_query(void *ctx, bgt_worker_state *out)
{
    *out = [(__bridge BGTCore *)ctx recordedState];
    return BGT_OK;
}

static void b_log(void *ctx, bgt_log_level level, const char *msg)
{
    (void)ctx;
    NSLog(@"bgsim: %d: %s", (int)level, msg);
}

/* The core's callback for every defined task (`user` is the BGTCore): note the name and defer
 * the result; the block runs later on its own thread, outside the lock. */
static int note_started(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    (void)duration_ms;
    [(__bridge BGTCore *)user noteStarted:call->name];
    return BGT_RESULT_PENDING;
}

/* The C side of a BGTCore (no object pointers, so it is legal under ARC). _lock is an
 * NSRecursiveLock held only around core calls; _blocks maps name -> block; _started collects the
 * names begin started; _run is the launch in progress or the last one; _listeners the expiration
 * listeners. */
struct bgtc_state {
    host_store *store;
    bgt_backend storeBackend; /* clock, load and save come from the file store */
    bgt *core;
    volatile BOOL pending, running, warnedBatteryNotLow;
};

#define ST(obj) ((struct bgtc_state *)(obj)->_state)

@implementation BGTCore

static int64_t b_now(void *ctx)
{
    BGTCore *c = (__bridge BGTCore *)ctx;
    return ST(c)->storeBackend.now_ms(ST(c)->storeBackend.ctx);
}

static int b_load(void *ctx, unsigned char **out, size_t *out_len)
{
    BGTCore *c = (__bridge BGTCore *)ctx;
    return ST(c)->storeBackend.load(ST(c)->storeBackend.ctx, out, out_len);
}

static int b_save(void *ctx, const unsigned char *buf, size_t len)
{
    BGTCore *c = (__bridge BGTCore *)ctx;
    return ST(c)->storeBackend.save(ST(c)->storeBackend.ctx, buf, len);
}

+ (void)configureWithPreset:(NSString *)preset debugTrigger:(BOOL)debugTrigger
{
    [self configureWithPreset:preset debugTrigger:debugTrigger identifier:nil];
}

+ (void)configureWithPreset:(NSString *)preset
               debugTrigger:(BOOL)debugTrigger
                 identifier:(NSString *)identifier
{
    @synchronized(self) {
        if (gShared) {
            NSLog(@"bgsim: configureWithPreset after +shared: ignored");
            return;
        }
        gPreset = [preset copy];
        gIdentifier = [identifier copy];
        gDebugTrigger = debugTrigger;
    }
}

+ (NSString *)taskIdentifier
{
    return gIdentifier ? gIdentifier : BGTCoreTaskIdentifier;
}

+ (BGTCore *)shared
{
    @synchronized(self) {
        if (!gShared)
            gShared = [[BGTCore alloc] initPrivate];
        return gShared;
    }
}

static NSString *registryPath(void)
{
    NSFileManager *fm = [NSFileManager defaultManager];
    NSArray *dirs = NSSearchPathForDirectoriesInDomains(NSApplicationSupportDirectory,
                                                        NSUserDomainMask, YES);
    NSString *dir;
    NSError *err = nil;
    if ([dirs count] == 0)
        return nil;
    dir = [[dirs objectAtIndex:0] stringByAppendingPathComponent:@"bgsim"];
    if (![fm createDirectoryAtPath:dir withIntermediateDirectories:YES attributes:nil error:&err]) {
        NSLog(@"bgsim: cannot create %@: %@", dir, err);
        return nil;
    }
    return [dir stringByAppendingPathComponent:@"registry.bin"];
}

- (instancetype)initPrivate
{
    NSString *path = registryPath();
    bgt_policy pol;
    bgt_backend b;
    int rc;
    if (!(self = [super init]))
        return nil;
    if (!(_state = calloc(1, sizeof(struct bgtc_state))))
        return nil;
    _lock = [[NSRecursiveLock alloc] init];
    _blocks = [[NSMutableDictionary alloc] init];
    _listeners = [[NSMutableArray alloc] init];
    _started = [[NSMutableArray alloc] init];
    if (!path || bgt_policy_preset([gPreset UTF8String], BGT_PLATFORM_IOS, &pol) != BGT_OK ||
        host_store_create([path fileSystemRepresentation], &ST(self)->store) != BGT_OK) {
        NSLog(@"bgsim: cannot create the core (preset '%@', registry %@)", gPreset, path);
        return nil;
    }
    pol.trigger_enabled = gDebugTrigger;
#if defined(TARGET_OS_SIMULATOR) && TARGET_OS_SIMULATOR
    /* expo: supportsBackgroundTasks() is false on the simulator, status Restricted (E3.4). */
    pol.restricted = true;
#endif
    ST(self)->storeBackend = host_store_backend(ST(self)->store);
    b.ctx = (__bridge void *)self; /* the core never outlives self (dealloc frees it) */
    b.now_ms = b_now;
    b.schedule = b_schedule;
    b.cancel = b_cancel;
    b.query = b_query;
    b.load = b_load;
    b.save = b_save;
    b.log = b_log;
    if (bgt_create(&b, &pol, &ST(self)->core) != BGT_OK) {
        host_store_free(ST(self)->store);
        ST(self)->store = NULL;
        return nil;
    }
    /* A corrupt registry must not stop the app: start empty (logged by the core). */
    if ((rc = bgt_process_start(ST(self)->core, BGT_START_DISCARD_CORRUPT)) != BGT_OK)
        NSLog(@"bgsim: restore failed: %s", bgt_strerror(rc));
    return self;
}

- (void)dealloc
{
    if (_state) {
        bgt_free(ST(self)->core);
        host_store_free(ST(self)->store);
        free(_state);
    }
#if !__has_feature(objc_arc)
    [_lock release];
    [_blocks release];
    [_listeners release];
    [_started release];
    [_run release];
    [super dealloc];
#endif
}

static NSError *coreError(int rc)
{
    NSDictionary *info = [NSDictionary
        dictionaryWithObject:[NSString stringWithUTF8String:bgt_strerror(rc)]
                      forKey:NSLocalizedDescriptionKey];
    return [NSError errorWithDomain:BGTCoreErrorDomain code:rc userInfo:info];
}

static BOOL ok(int rc, NSError **error)
{
    if (rc == BGT_OK)
        return YES;
    if (error)
        *error = coreError(rc);
    return NO;
}

- (BOOL)registerLaunchHandler
{
    BGTCore *core = self;
    return [[BGTaskScheduler sharedScheduler]
        registerForTaskWithIdentifier:[BGTCore taskIdentifier]
                           usingQueue:nil
                        launchHandler:^(BGTask *task) {
                            [core handleTask:task];
                        }];
}

- (void)noteStarted:(const char *)name
{
    [_started addObject:[NSString stringWithUTF8String:name]];
}

/* Begin a run under the lock and start its task threads: the number started, or -1 (*rc). */
- (NSInteger)startRun:(BGTask *)task trigger:(BOOL)trigger rc:(int *)rc
{
    BGTRun *run = BGT_AUTORELEASE([[BGTRun alloc] init]);
    NSArray *names = nil;
    NSUInteger i, n = 0;
    BGTCore *core = self;
    run->task = BGT_RETAIN(task);
    if (task)
        task.expirationHandler = ^{
            [core expireRun:run];
        };
    [_lock lock];
    [_started removeAllObjects];
    *rc = trigger ? bgt_trigger_begin(ST(self)->core, NULL) : bgt_worker_begin(ST(self)->core, NULL);
    if (*rc == BGT_OK) {
        names = BGT_AUTORELEASE([_started copy]);
        n = [names count];
        run->remaining = n;
        BGT_RELEASE(_run);
        _run = BGT_RETAIN(run);
        if (task) {
            ST(self)->running = YES;
            ST(self)->pending = NO;
        }
    }
    [_lock unlock];
    if (*rc != BGT_OK) {
        NSLog(@"bgsim: worker run failed: %s", bgt_strerror(*rc));
        [task setTaskCompletedWithSuccess:NO];
        return -1;
    }
    if (n == 0)
        [self finishRun:run];
    for (i = 0; i < n; i++)
        [NSThread detachNewThreadSelector:@selector(taskThread:)
                                 toTarget:self
                               withObject:[NSArray arrayWithObjects:run, [names objectAtIndex:i], nil]];
    return (NSInteger)n;
}

- (void)handleTask:(BGTask *)task
{
    int rc;
    (void)[self startRun:task trigger:NO rc:&rc];
}

static BGTResult callBlock(BGTTaskBlock block, NSString *name)
{
    if (!block)
        return BGTResultNone; /* defined in the core but not here cannot happen; be safe */
    @try {
        return block(name);
    } @catch (NSException *e) {
        NSLog(@"bgsim: task '%@' threw %@; counted as no result", name, e);
        return BGTResultNone;
    }
}

- (void)runTaskArgs:(NSArray *)args
{
    BGTRun *run = [args objectAtIndex:0];
    NSString *name = [args objectAtIndex:1];
    BGTTaskBlock block;
    BGTResult result;
    BOOL last;
    [_lock lock];
    block = BGT_RETAIN([_blocks objectForKey:name]);
    [_lock unlock];
    result = callBlock(block, name);
    BGT_RELEASE(block);
    [_lock lock];
    if (!run->ended)
        (void)bgt_worker_set_result(ST(self)->core, [name UTF8String], (int)result);
    last = --run->remaining == 0;
    [_lock unlock];
    if (last)
        [self finishRun:run];
}

- (void)taskThread:(NSArray *)args
{
#if __has_feature(objc_arc)
    @autoreleasepool {
        [self runTaskArgs:args];
    }
#else
    NSAutoreleasePool *pool = [[NSAutoreleasePool alloc] init];
    [self runTaskArgs:args];
    [pool release];
#endif
}

/* Every task returned: end the run and complete the launch (success YES whatever the results). */
- (void)finishRun:(BGTRun *)run
{
    BGTask *task;
    int rc;
    [_lock lock];
    if (run->ended) {
        [_lock unlock];
        return;
    }
    run->ended = YES;
    rc = bgt_worker_end(ST(self)->core, BGT_END_COMPLETED, NULL);
    if (run->task)
        ST(self)->running = NO;
    task = run->task;
    run->task = nil; /* breaks task -> expirationHandler -> run -> task */
    [_lock unlock];
    if (rc != BGT_OK)
        NSLog(@"bgsim: worker end failed: %s", bgt_strerror(rc));
    [task setTaskCompletedWithSuccess:YES];
    BGT_RELEASE(task);
}

/* The expiration handler: end as EXPIRED now, tell the listeners, complete with NO. */
- (void)expireRun:(BGTRun *)run
{
    NSArray *listeners;
    BGTask *task;
    NSUInteger i;
    int rc;
    [_lock lock];
    if (run->ended) {
        [_lock unlock];
        return;
    }
    run->ended = run->expired = YES;
    rc = bgt_worker_end(ST(self)->core, BGT_END_EXPIRED, NULL);
    if (run->task)
        ST(self)->running = NO;
    task = run->task;
    run->task = nil;
    listeners = BGT_AUTORELEASE([_listeners copy]);
    [_lock unlock];
    if (rc != BGT_OK)
        NSLog(@"bgsim: worker end failed: %s", bgt_strerror(rc));
    for (i = 0; i < [listeners count]; i++)
        ((BGTExpirationListener)[listeners objectAtIndex:i])();
    [task setTaskCompletedWithSuccess:NO];
    BGT_RELEASE(task);
}

- (id)addExpirationListener:(BGTExpirationListener)listener
{
    id token = BGT_AUTORELEASE([listener copy]);
    [_lock lock];
    [_listeners addObject:token];
    [_lock unlock];
    return token;
}

- (void)removeExpirationListener:(id)token
{
    [_lock lock];
    [_listeners removeObjectIdenticalTo:token];
    [_lock unlock];
}

- (int)submitDelayMs:(int64_t)delayMs constraints:(unsigned)constraints
{
    BGTaskScheduler *scheduler = [BGTaskScheduler sharedScheduler];
    BGProcessingTaskRequest *req;
    NSError *err = nil;
    if ((constraints & BGT_CONSTRAINT_BATTERY_NOT_LOW) && !ST(self)->warnedBatteryNotLow) {
        ST(self)->warnedBatteryNotLow = YES;
        NSLog(@"bgsim: battery-not-low has no BGProcessingTaskRequest equivalent; left to iOS");
    }
    [scheduler cancelTaskRequestWithIdentifier:[BGTCore taskIdentifier]];
    req = BGT_AUTORELEASE([[BGProcessingTaskRequest alloc] initWithIdentifier:[BGTCore taskIdentifier]]);
    req.earliestBeginDate = [NSDate dateWithTimeIntervalSinceNow:(double)delayMs / 1000.0];
    req.requiresNetworkConnectivity = (constraints & BGT_CONSTRAINT_NETWORK) != 0;
    req.requiresExternalPower = (constraints & BGT_CONSTRAINT_CHARGING) != 0;
    if (![scheduler submitTaskRequest:req error:&err]) {
        /* BGTaskSchedulerErrorCodeNotPermitted: identifier missing from Info.plist;
         * BGTaskSchedulerErrorCodeUnavailable: Background App Refresh off. Logged only, as expo
         * logs CouldNotRegisterWorkerTask (E3.1). */
        NSLog(@"bgsim: submitTaskRequest failed: %@", err);
        ST(self)->pending = NO;
        return BGT_E_BACKEND;
    }
    ST(self)->pending = YES;
    return BGT_OK;
}

- (int)cancelRequest
{
    [[BGTaskScheduler sharedScheduler] cancelTaskRequestWithIdentifier:[BGTCore taskIdentifier]];
    ST(self)->pending = NO;
    return BGT_OK;
}

- (bgt_worker_state)recordedState
{
    if (ST(self)->running)
        return BGT_WORKER_RUNNING;
    return ST(self)->pending ? BGT_WORKER_ENQUEUED : BGT_WORKER_NONE;
}

- (BOOL)defineTask:(NSString *)name block:(BGTTaskBlock)block
{
    BGTTaskBlock copy = [block copy];
    int rc;
    [_lock lock];
    [_blocks setObject:copy forKey:name]; /* looked up by name when the task runs */
    rc = bgt_define_task(ST(self)->core, [name UTF8String], note_started, (__bridge void *)self);
    [_lock unlock];
    BGT_RELEASE(copy);
    return rc == BGT_OK;
}

- (BOOL)registerTask:(NSString *)name minimumInterval:(NSNumber *)minutes error:(NSError **)error
{
    bgt_task_options opts;
    int rc;
    opts.has_minimum_interval = minutes != nil;
    opts.minimum_interval_min = minutes ? [minutes longLongValue] : 0;
    [_lock lock];
    rc = bgt_register_task(ST(self)->core, [name UTF8String], &opts);
    [_lock unlock];
    return ok(rc, error);
}

- (BOOL)unregisterTask:(NSString *)name error:(NSError **)error
{
    int rc;
    [_lock lock];
    rc = bgt_unregister_task(ST(self)->core, [name UTF8String]);
    [_lock unlock];
    return ok(rc, error);
}

- (BOOL)unregisterAllTasks:(NSError **)error
{
    int rc;
    [_lock lock];
    rc = bgt_unregister_all(ST(self)->core);
    [_lock unlock];
    return ok(rc, error);
}

- (BOOL)isRegistered:(NSString *)name
{
    int r;
    [_lock lock];
    r = bgt_is_registered(ST(self)->core, [name UTF8String]);
    [_lock unlock];
    return r == 1;
}

- (NSArray *)registeredTasks
{
    NSMutableArray *names = [NSMutableArray array];
    size_t i, n;
    [_lock lock];
    n = bgt_task_count(ST(self)->core);
    for (i = 0; i < n; i++) {
        const char *name;
        if (bgt_task_at(ST(self)->core, i, &name, NULL) == BGT_OK)
            [names addObject:[NSString stringWithUTF8String:name]];
    }
    [_lock unlock];
    return names;
}

- (BGTStatus)status
{
    BGTStatus s;
    [_lock lock];
    s = bgt_get_status(ST(self)->core) == BGT_STATUS_RESTRICTED ? BGTStatusRestricted
                                                                 : BGTStatusAvailable;
    [_lock unlock];
    return s;
}

- (NSInteger)backgroundRefreshStatus
{
    return (NSInteger)[[UIApplication sharedApplication] backgroundRefreshStatus];
}

- (BOOL)isExpiring
{
    BOOL e;
    [_lock lock];
    e = _run && ((BGTRun *)_run)->expired;
    [_lock unlock];
    return e;
}

- (NSInteger)triggerForTesting:(NSError **)error
{
    int rc;
    NSInteger n = [self startRun:nil trigger:YES rc:&rc];
    return ok(rc, error) ? n : -1;
}

@end
