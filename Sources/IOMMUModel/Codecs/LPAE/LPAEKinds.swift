/// The LPAE KINDs, in the order `decode --list` prints them.
public enum LPAEKinds {
    public static let all: [StructureKind] = []
}
