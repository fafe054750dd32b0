/// Queued-invalidation descriptor KINDs (filled in by the QI descriptor formats).
public enum VTdQueuedInvalidationKinds {
    public static let all: [StructureKind] = []
}
