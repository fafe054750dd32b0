import Testing
@testable import IOMMUModel
