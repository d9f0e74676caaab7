/* COMPILE-ONLY DECLARATIONS (see compile-stubs/README.md): never packaged.
 * The subset of UIKit that BGTCore.m uses. */
#import <Foundation/Foundation.h>

typedef NS_ENUM(NSInteger, UIBackgroundRefreshStatus) {
    UIBackgroundRefreshStatusRestricted,
    UIBackgroundRefreshStatusDenied,
    UIBackgroundRefreshStatusAvailable
};

@interface UIApplication : NSObject
@property (class, readonly, strong) UIApplication *sharedApplication;
@property (readonly) UIBackgroundRefreshStatus backgroundRefreshStatus;
@end
