import Testing
@testable import IOMMUModel

/// The walk views' vocabulary is registered, not switched over (issue 12): every kind and family a
/// walk can carry must name itself and decode with a structure `decode` knows.
@Suite struct WalkVocabularyTests {
    @Test func idsAreUniqueAndFitTheirByte() {
        let kinds = WalkVocabulary.referenceKinds.map(\.id), families = WalkVocabulary.tableFamilies.map(\.id)
        #expect(Set(kinds).count == kinds.count)
        #expect(Set(families).count == families.count)
        #expect(kinds.count <= 256 && families.count <= 256)
        // The shared kinds sit at the raw values ReferenceKind fixes for them.
        #expect(ReferenceKind.stage1.info.id == "stage1" && ReferenceKind.stage2.info.id == "stage2" && ReferenceKind.translation.info.id == "translation")
        #expect(TableStructure.Family.none.info.id == "none")
    }

    @Test func everyKindDecodesWithACatalogStructure() throws {
        for info in WalkVocabulary.referenceKinds {
            guard let kind = info.decoderKind else { continue }
            let s = try StructureCatalog.kind(named: kind)
            // The words read for it fill the structure (an 8-dword STE, a 4-qword DTE) or are its first word.
            #expect(s.wordCounts.contains(info.decodeWords), "\(info.id) reads \(info.decodeWords) words for \(kind) (takes \(s.wordCounts))")
            #expect(!info.name.isEmpty && !info.shortName.isEmpty)
        }
    }

    @Test func everyTableFamilyDecodesItsEntriesAtEveryLevel() throws {
        for (i, info) in WalkVocabulary.tableFamilies.enumerated() where info.id != "none" {
            let structure = TableStructure(TableStructure.Family(rawValue: UInt8(i)))
            for level in 0...4 {
                let (kind, params) = structure.decoderKind(userLevel: level)
                let k = try StructureCatalog.kind(named: kind)
                // Arm levels 0-3 and x86/VT-d/AMD levels 1-4 are the ones the walks produce.
                let produced = info.countDownFrom == 0 ? level >= 1 : level <= 3
                if produced { #expect(throws: Never.self, "\(info.id) L\(level)") { _ = try k.decode([0], params: params) } }
            }
            #expect(structure.userLevel(structure.builderLevel(fromUser: 2)) == 2)
        }
    }

    @Test func architectureStaticMembersResolve() {
        let kinds: [ReferenceKind] = [.rootEntry, .contextEntry, .pasidDirectoryEntry, .pasidEntry, .streamTableL1, .streamTableEntry,
                                      .contextDescriptorL1, .contextDescriptor, .deviceTableEntry, .gcr3Entry]
        #expect(Set(kinds).count == kinds.count)
        let families: [TableStructure] = [.vtdFirstStage, .vtdSecondStage, .arm(stage: 1, .k4), .arm(stage: 2, .k64), .amdGuest, .amdHost]
        #expect(Set(families.map(\.family)).count == families.count)
        // VMSAv8-64 counts levels down (level 3 holds pages: builder level 1); VT-d counts up.
        #expect(TableStructure.arm(stage: 2, .k4).userLevel(1) == 3)
        #expect(TableStructure.vtdSecondStage.userLevel(1) == 1)
    }
}
