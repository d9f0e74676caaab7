/* test_bgtcore.m: runs backends/ios/BGTCore/BGTCore.m on Linux (GNUstep Foundation, GCC runtime,
 * no ARC) against fakes of the few BackgroundTasks and UIKit classes it uses. The fakes implement
 * the compile-only declarations in backends/ios/compile-stubs (written from Apple's public
 * BackgroundTasks / UIKit API: BGTaskScheduler, BGTask, BGProcessingTaskRequest,
 * UIApplication.backgroundRefreshStatus) and record what the glue does with them. The launch
 * handler is called the way BGTaskScheduler calls it: with a BGTask whose expirationHandler the
 * test can fire. What this does NOT run: Apple's frameworks, ARC, libdispatch, a real launch.
 *
 * Checks (issue 22, 1): the launch handler returns at once and main-thread calls return while the
 * tasks run (no lock held around task code); both tasks run at the same time; the BGTask is
 * completed with YES when both finished; an expiration completes it with NO at once, fires the
 * expiration listener and reschedules; status is Available with Background App Refresh denied
 * and the refresh state is exposed separately; the identifier defaults to expo's. Every wait is
 * bounded, so a regression fails instead of hanging. */
#import "BGTCore.h"

#import <BackgroundTasks/BackgroundTasks.h>
#import <UIKit/UIKit.h>

#include <objc/runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* GCC's objc include directory (needed for the GCC runtime) hides clang's stdatomic.h: plain ints
 * with the __atomic builtins instead. */
#define AADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)
#define ASUB(p, v) __atomic_fetch_sub((p), (v), __ATOMIC_SEQ_CST)
#define ALOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define ASTORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define ACAS(p, e, v) __atomic_compare_exchange_n((p), (e), (v), 1, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

/* ---- fakes ------------------------------------------------------------------------------------ */

static UIBackgroundRefreshStatus gRefresh = UIBackgroundRefreshStatusAvailable;
static void (^gLaunchHandler)(BGTask *) = nil;
static NSString *gRegisteredId = nil;
static int gSubmits, gCancels;
static NSString *gLastSubmitId = nil;

@implementation UIApplication
+ (UIApplication *)sharedApplication
{
    static UIApplication *app = nil;
    if (!app)
        app = [[UIApplication alloc] init];
    return app;
}
- (UIBackgroundRefreshStatus)backgroundRefreshStatus { return gRefresh; }
@end

@implementation BGTask
- (NSString *)identifier { return nil; }
- (void (^)(void))expirationHandler { return nil; }
- (void)setExpirationHandler:(void (^)(void))handler { (void)handler; }
- (void)setTaskCompletedWithSuccess:(BOOL)success { (void)success; }
@end

@implementation BGProcessingTask
@end

@implementation BGTaskRequest
- (NSString *)identifier { return nil; }
- (NSDate *)earliestBeginDate { return nil; }
- (void)setEarliestBeginDate:(NSDate *)date { (void)date; }
@end

@interface FakeRequest : BGProcessingTaskRequest {
@public
    NSString *ident;
}
@end

@implementation BGProcessingTaskRequest
- (instancetype)initWithIdentifier:(NSString *)identifier
{
    /* The glue allocates this class; hand back a recording subclass instance instead. */
    FakeRequest *r = [FakeRequest alloc];
    [self release];
    r->ident = [identifier copy];
    return r;
}
- (BOOL)requiresNetworkConnectivity { return NO; }
- (void)setRequiresNetworkConnectivity:(BOOL)v { (void)v; }
- (BOOL)requiresExternalPower { return NO; }
- (void)setRequiresExternalPower:(BOOL)v { (void)v; }
@end

@implementation FakeRequest
- (NSString *)identifier { return ident; }
- (void)dealloc
{
    [ident release];
    [super dealloc];
}
@end

@implementation BGTaskScheduler
+ (BGTaskScheduler *)sharedScheduler
{
    static BGTaskScheduler *s = nil;
    if (!s)
        s = [[BGTaskScheduler alloc] init];
    return s;
}
- (BOOL)registerForTaskWithIdentifier:(NSString *)identifier
                           usingQueue:(id)queue
                        launchHandler:(void (^)(BGTask *task))launchHandler
{
    (void)queue;
    gRegisteredId = [identifier copy];
    gLaunchHandler = [launchHandler copy];
    return YES;
}
- (BOOL)submitTaskRequest:(BGTaskRequest *)taskRequest error:(NSError **)error
{
    (void)error;
    [gLastSubmitId release];
    gLastSubmitId = [[taskRequest identifier] copy];
    AADD(&gSubmits, 1);
    return YES;
}
- (void)cancelTaskRequestWithIdentifier:(NSString *)identifier
{
    (void)identifier;
    AADD(&gCancels, 1);
}
- (void)cancelAllTaskRequests {}
@end

/* A launch's BGTask: records completions, keeps the expiration handler for the test to fire. */
@interface FakeTask : BGTask {
@public
    void (^handler)(void);
    int completions;
    int success; /* of the first completion */
}
@end

@implementation FakeTask
- (void (^)(void))expirationHandler { return handler; }
- (void)setExpirationHandler:(void (^)(void))h
{
    void (^old)(void) = handler;
    handler = [h copy];
    [old release];
}
- (void)setTaskCompletedWithSuccess:(BOOL)ok
{
    if (AADD(&completions, 1) == 0)
        ASTORE(&success, ok ? 1 : 0);
}
- (void)dealloc
{
    [handler release];
    [super dealloc];
}
@end

/* ---- test tasks ------------------------------------------------------------------------------- */

static int gInside, gMaxInside, gRelease, gListener;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait (bounded) until *v == want. */
static BOOL wait_for(int *v, int want, double seconds)
{
    double end = now_s() + seconds;
    while (ALOAD(v) != want) {
        if (now_s() > end)
            return NO;
        usleep(2000);
    }
    return YES;
}

static BGTResult blocking_task(BGTResult result)
{
    int in = AADD(&gInside, 1) + 1, max;
    while ((max = ALOAD(&gMaxInside)) < in && !ACAS(&gMaxInside, &max, in))
        ;
    (void)wait_for(&gRelease, 1, 10.0);
    ASUB(&gInside, 1);
    return result;
}

static int passed, failed;

static void check(BOOL ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL: %s\n", what);
    }
}

/* Blocks as objects. BGTCore.m sends -copy to blocks and keeps them in Foundation collections
 * (retain/release), as Apple's runtime (and ARC) allow. On this machine neither works out of the
 * box: GNUstep base on the GCC runtime exports an 8-byte _NSConcreteStackBlock that is not a
 * class (objc_create_block_classes_as_subclasses_of returns NO), and its _Block_copy returns
 * clang's blocks uncopied. So the test brings the smallest blocks runtime that does: this
 * executable defines a class-sized _NSConcreteStackBlock (interposing the library's, so block
 * literals point at it), copies into it a class registered with the GCC runtime API, and that
 * class's copy/retain/release copy a stack block to the heap (calling the block's copy helper,
 * which retains captured objects through GNUstep's _Block_object_assign), count references, and
 * dispose and free at zero, per the clang Block ABI (clang.llvm.org/docs/Block-ABI-Apple.html).
 * Capture-free blocks would need _NSConcreteGlobalBlock, which GNUstep base lacks: every block
 * in this test and in BGTCore.m captures something. */
void *_NSConcreteStackBlock[32];

enum { BLOCK_NEEDS_FREE = 1 << 24, BLOCK_HAS_COPY_DISPOSE = 1 << 25 };

struct block_descriptor {
    unsigned long reserved, size;
    void (*copy)(void *dst, const void *src);  /* present with BLOCK_HAS_COPY_DISPOSE */
    void (*dispose)(const void *);
};

struct block_layout {
    void *isa;
    int flags;
    int refs; /* "reserved" in the ABI; this runtime's reference count of heap copies */
    void (*invoke)(void);
    struct block_descriptor *descriptor;
};

static id block_copy(id self, SEL cmd)
{
    struct block_layout *b = (struct block_layout *)(void *)self, *h;
    (void)cmd;
    if (b->flags & BLOCK_NEEDS_FREE) {
        AADD(&b->refs, 1);
        return self;
    }
    if (!(h = malloc(b->descriptor->size)))
        abort();
    memcpy(h, b, b->descriptor->size);
    h->flags |= BLOCK_NEEDS_FREE;
    h->refs = 1;
    if (b->flags & BLOCK_HAS_COPY_DISPOSE)
        b->descriptor->copy(h, b);
    return (id)(void *)h;
}

static void block_release(id self, SEL cmd)
{
    struct block_layout *b = (struct block_layout *)(void *)self;
    (void)cmd;
    if (!(b->flags & BLOCK_NEEDS_FREE) || ASUB(&b->refs, 1) != 1)
        return;
    if (b->flags & BLOCK_HAS_COPY_DISPOSE)
        b->descriptor->dispose(b);
    free(b);
}

static id block_autorelease(id self, SEL cmd)
{
    (void)cmd;
    return self; /* a test: leaking a block copy is fine */
}

static void install_block_class(void)
{
    Class k = objc_allocateClassPair([NSObject class], "BGTTestStackBlock", 0);
    class_addMethod(k, @selector(copy), (IMP)block_copy, "@@:");
    class_addMethod(k, @selector(retain), (IMP)block_copy, "@@:");
    class_addMethod(k, @selector(release), (IMP)block_release, "v@:");
    class_addMethod(k, @selector(autorelease), (IMP)block_autorelease, "@@:");
    objc_registerClassPair(k);
    (void)[k class]; /* installs its dispatch table before the copy */
    /* GCC libobjc's struct objc_class has 13 pointer-sized fields (objc-private/module-abi-8.h). */
    memcpy(_NSConcreteStackBlock, (void *)k, 13 * sizeof(void *));
}

int main(void)
{
    NSAutoreleasePool *pool;
    BGTCore *core;
    FakeTask *t1, *t2;
    id token;
    double t0, dt;
    int submits;
    BGTResult ok_result = BGTResultSuccess, failed_result = BGTResultFailed;
    int *listener_count = &gListener;

    install_block_class();
    pool = [[NSAutoreleasePool alloc] init];

    [BGTCore configureWithPreset:@"current" debugTrigger:YES];
    core = [BGTCore shared];
    check(core != nil, "core created (registry under $HOME)");
    if (!core)
        return 1;
    check([[BGTCore taskIdentifier] isEqualToString:@"com.expo.modules.backgroundtask.processing"],
          "identifier defaults to expo's");
    check([core registerLaunchHandler] && [gRegisteredId isEqualToString:[BGTCore taskIdentifier]],
          "launch handler registered for that identifier");

    gRefresh = UIBackgroundRefreshStatusDenied;
    check([core status] == BGTStatusAvailable, "status Available with Background App Refresh off (as expo)");
    check([core backgroundRefreshStatus] == UIBackgroundRefreshStatusDenied, "refresh state exposed separately");

    /* The blocks capture a variable: GNUstep base has no _NSConcreteGlobalBlock for capture-free
     * blocks. */
    check([core defineTask:@"a" block:^BGTResult(NSString *name) { (void)name; return blocking_task(ok_result); }],
          "define a");
    check([core defineTask:@"b" block:^BGTResult(NSString *name) { (void)name; return blocking_task(failed_result); }],
          "define b");
    [core unregisterAllTasks:NULL]; /* a clean registry whatever an earlier run left */
    check([core registerTask:@"a" minimumInterval:[NSNumber numberWithInt:15] error:NULL], "register a");
    check([core registerTask:@"b" minimumInterval:[NSNumber numberWithInt:15] error:NULL], "register b");
    check(ALOAD(&gSubmits) >= 1 && [gLastSubmitId isEqualToString:[BGTCore taskIdentifier]],
          "registration submitted a request with the identifier");

    /* A launch: the handler returns at once; main-thread calls do not wait for the tasks. */
    t1 = [[FakeTask alloc] init];
    ASTORE(&gRelease, 0);
    submits = ALOAD(&gSubmits);
    t0 = now_s();
    gLaunchHandler(t1);
    dt = now_s() - t0;
    check(dt < 1.0, "launch handler returned while tasks run");
    check(wait_for(&gInside, 2, 5.0), "both tasks inside their blocks at once (parallel)");
    t0 = now_s();
    [core registerTask:@"a" minimumInterval:[NSNumber numberWithInt:15] error:NULL];
    (void)[core status];
    (void)[core isRegistered:@"b"];
    (void)[core registeredTasks];
    dt = now_s() - t0;
    check(dt < 1.0, "main-thread calls returned while tasks run (no lock around task code)");
    check(ALOAD(&t1->completions) == 0, "launch not completed while tasks run");
    ASTORE(&gRelease, 1);
    check(wait_for(&t1->completions, 1, 5.0), "launch completed once both tasks returned");
    check(ALOAD(&t1->success) == 1, "completed with success YES (expo ignores results)");
    check(ALOAD(&gSubmits) == submits + 1, "successor submitted at completion");
    check(ALOAD(&gMaxInside) == 2, "max concurrency 2");
    check(![core isExpiring], "not expiring after a normal launch");

    /* An expiring launch: completed with NO at once, listener fired, rescheduled. */
    token = [core addExpirationListener:^{ AADD(listener_count, 1); }];
    t2 = [[FakeTask alloc] init];
    ASTORE(&gRelease, 0);
    gLaunchHandler(t2);
    check(wait_for(&gInside, 2, 5.0), "second launch: tasks running");
    submits = ALOAD(&gSubmits);
    check(t2->handler != nil, "expiration handler set on the BGTask");
    t2->handler(); /* what iOS does when the time is up */
    check(ALOAD(&t2->completions) == 1 && ALOAD(&t2->success) == 0,
          "expiration completes the launch with NO at once (tasks still running)");
    check(ALOAD(&gListener) == 1, "expiration listener fired once");
    check([core isExpiring], "isExpiring for the tasks to poll");
    check(ALOAD(&gSubmits) == submits + 1, "iOS reschedules on expiry (expo's reschedule())");
    t2->handler();
    check(ALOAD(&gListener) == 1 && ALOAD(&t2->completions) == 1, "a second expiry does nothing");
    ASTORE(&gRelease, 1);
    check(wait_for(&gInside, 0, 5.0), "tasks returned after the expiry");
    usleep(100000);
    check(ALOAD(&t2->completions) == 1, "late results do not complete the launch again");
    [core removeExpirationListener:token];

    /* The testing trigger returns at once with the tasks started. */
    ASTORE(&gRelease, 0);
    t0 = now_s();
    check([core triggerForTesting:NULL] == 2 && now_s() - t0 < 1.0, "trigger returned at once with 2 tasks");
    check(wait_for(&gInside, 2, 5.0), "triggered tasks run in parallel");
    ASTORE(&gRelease, 1);
    check(wait_for(&gInside, 0, 5.0), "triggered tasks finished");
    usleep(100000);
    check(ALOAD(&gListener) == 1, "removed listener not called");

    [core unregisterAllTasks:NULL];
    [t1 release];
    [t2 release];
    [pool release];
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
