/// The SPAPR KINDs, in the order `decode --list` prints them.
public enum SPAPRKinds {
    public static let all: [StructureKind] = [TCEFormat.kind]
}
