/// The SMMUv3 KINDs, in the order `decode --list` prints them.
public enum SMMUv3Kinds {
    public static let all: [StructureKind] = []
}
