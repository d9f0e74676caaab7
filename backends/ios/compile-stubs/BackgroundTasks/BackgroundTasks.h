/* COMPILE-ONLY DECLARATIONS (see compile-stubs/README.md): never packaged.
 * The subset of Apple's BackgroundTasks framework (iOS 13) that BGTCore.m uses. */
#import <Foundation/Foundation.h>

@interface BGTask : NSObject
@property (readonly, copy) NSString *identifier;
@property (copy) void (^expirationHandler)(void);
- (void)setTaskCompletedWithSuccess:(BOOL)success;
@end

@interface BGProcessingTask : BGTask
@end

@interface BGTaskRequest : NSObject
@property (readonly, copy) NSString *identifier;
@property (copy) NSDate *earliestBeginDate;
@end

@interface BGProcessingTaskRequest : BGTaskRequest
- (instancetype)initWithIdentifier:(NSString *)identifier;
@property (assign) BOOL requiresNetworkConnectivity;
@property (assign) BOOL requiresExternalPower;
@end

@interface BGTaskScheduler : NSObject
@property (class, readonly, strong) BGTaskScheduler *sharedScheduler;
- (BOOL)registerForTaskWithIdentifier:(NSString *)identifier
                           usingQueue:(id)queue
                        launchHandler:(void (^)(BGTask *task))launchHandler;
- (BOOL)submitTaskRequest:(BGTaskRequest *)taskRequest error:(NSError **)error;
- (void)cancelTaskRequestWithIdentifier:(NSString *)identifier;
- (void)cancelAllTaskRequests;
@end
