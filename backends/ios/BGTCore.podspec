# CocoaPods spec for the bgsim core on iOS. Paths are relative to the repository root (the pod's
# source), so use it from git:
#   pod 'BGTCore', :git => '<bgsim repository URL>', :podspec => 'backends/ios/BGTCore.podspec'
# or copy it to the repository root for `pod 'BGTCore', :path => 'vendor/bgsim'`.
Pod::Spec.new do |s|
  s.name         = 'BGTCore'
  s.version      = '0.1.0'
  s.summary      = 'expo-background-task semantics in portable C, over BGTaskScheduler.'
  s.homepage     = 'https://example.invalid/bgsim'
  s.license      = { :type => 'Proprietary', :text => 'See the bgsim repository.' }
  s.author       = 'bgsim'
  s.source       = { :git => 'https://example.invalid/bgsim.git', :tag => "v#{s.version}" }
  s.platform     = :ios, '13.0'
  s.requires_arc = 'backends/ios/BGTCore/*.m'
  s.source_files = 'core/*.{c,h}', 'backends/host/host_store.{c,h}', 'backends/ios/BGTCore/*.{h,m}'
  s.public_header_files = 'backends/ios/BGTCore/BGTCore.h'
  s.private_header_files = 'core/*.h', 'backends/host/host_store.h'
  s.frameworks   = 'BackgroundTasks', 'UIKit'
  # backends/ios/compile-stubs is for Linux CI only and is deliberately not listed.
end
