/// The UAPI KINDs, in the order `decode --list` prints them.
public enum UAPIKinds {
    public static let all: [StructureKind] = []
}
