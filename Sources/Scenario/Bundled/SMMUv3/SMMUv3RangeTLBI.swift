/// `smmuv3-range-tlbi`: range TLB invalidation (TG, NUM, SCALE, TTL, Leaf) and the leaf-hint pitfall.
enum SMMUv3RangeTLBI {
    static let scenario = BundledScenario(name: "smmuv3-range-tlbi", summary: "SMMUv3 range TLBI with TG/NUM/SCALE/TTL, and a TTL/leaf hint that misses level-2 blocks", text: #"""
# Range TLB invalidation on SMMUv3: TG, NUM, SCALE, TTL and Leaf, then the pitfall argued in the 2023 review
# of the nesting invalidation interface: a TTL hint that assumes last-level pages misses level-2 blocks when
# a level-1 table is removed, and Leaf = 1 misses the walk cache. `check` fails on purpose.
smmu
device gpu sid=0x20
space s2 arm-s2 granule=4K ia=48
map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
guest-tables s2 at=0x10_0000 size=1M
space s1 arm-s1 granule=4K ia=48 in s2
ste gpu config=nested s2=s2 vmid=1
cd gpu asid=5 s1=s1

step "Eight pages in the TLB"
note The guest maps 32 KiB with 4 KiB pages and the device touches each page: eight TLB entries, each tagged
note VMID 1, ASID 5, granule 4 KiB, leaf level 3.
map s1 0x1000_0000 -> 0x20_0000 32K rwu page=4K
dma read gpu 0x1000_0000
dma read gpu 0x1000_1000
dma read gpu 0x1000_2000
dma read gpu 0x1000_3000
dma read gpu 0x1000_4000
dma read gpu 0x1000_5000
dma read gpu 0x1000_6000
dma read gpu 0x1000_7000
expect entries tlb=8

step "One range command for all eight"
note The guest unmaps the 32 KiB and sends one TLBI_NH_VA with a range: Range = (NUM+1) x 2^SCALE x granule
note = (3+1) x 2^1 x 4 KiB = 32 KiB from Address. TG = 1 means 4 KiB in a command, unlike CD.TG0 where 1
note means 64 KiB. TTL = 3 says the leaves are level-3 pages, which is true here. Linux splits any size into
note such commands in __arm_smmu_tlb_inv_range.
unmap s1 0x1000_0000 32K
cmd tlbi-nh-va vmid=1 asid=5 addr=0x1000_0000 tg=4k num=3 scale=1 ttl=3 leaf=1 ; sync
expect removed=8
expect stale=0

step "A Reserved combination stops the queue"
note TG != 0 with NUM = SCALE = TTL = 0 is Reserved (SMMUv3 4.4.1.1): the SMMU raises CERROR_ILL and stops
note consuming, so the CMD_SYNC behind it never runs. Linux's arm_smmu_cmdq_skip_err replaces such a command
note with a CMD_SYNC; software should have sent TG = 0 (non-range) or a TTL.
cmd tlbi-nh-va vmid=1 asid=5 addr=0x1000_0000 tg=4k ; sync
expect refused
note Until software acknowledges the error (SMMU_GERRORN) the queue consumes nothing more. Linux's gerror
note handler does what `cmd skip-err` does: the bad entry becomes a CMD_SYNC and the queue runs on.
cmd skip-err

step "2 MiB blocks under a level-1 table"
note Now the guest maps 4 MiB with two 2 MiB blocks: the level-1 descriptor for 0x4000_0000 points at a level-2
note table that holds blocks. The TLB entries remember that their stage-1 leaf sits at level 2, and the stage-1
note walk cache keeps the level-1 table descriptor.
map s1 0x4000_0000 -> 0x40_0000 4M rwu page=2M
dma read gpu 0x4000_0000
dma read gpu 0x4020_0000
expect entries tlb=2

step "The guest removes the level-1 table"
note io-pgtable unmaps the whole 1 GiB: it clears the level-1 descriptor and frees the level-2 table.
set-entry s1 0x4000_0000 level=1 0

step "A leaf-only range with TTL = 3"
note The flush names 1 GiB = (0+1) x 2^18 x 4 KiB, but with the hint that the leaves are level-3 pages
note (io-pgtable passed the 4 KiB granule, and older Linux turned it into TTL = 3) and Leaf = 1. The SMMU need
note only remove level-3 leaves: both level-2 block entries stay, and Leaf = 1 keeps the walk cache's level-1
note descriptor that points into the freed table. Pane 3 marks all three stale; the checker names for each the
note command that would have removed it.
cmd tlbi-nh-va vmid=1 asid=5 addr=0x4000_0000 tg=4k scale=18 ttl=3 leaf=1 ; sync
expect removed=0
expect stale=3

step "The freed table still translates"
note A page of the old block that the TLB never held: the walk starts from the stale level-1 descriptor in the
note walk cache and reads the freed level-2 table. Memory says this VA is unmapped; the device gets the old IPA.
dma read gpu 0x4000_1000

step "What Linux sends now: TTL = 0, Leaf = 0"
note For walk (non-leaf) invalidations Linux leaves TTL = 0 because the level is not known, and Leaf = 0 reaches
note table descriptors too. Everything the old table left behind goes.
cmd tlbi-nh-va vmid=1 asid=5 addr=0x4000_0000 tg=4k scale=18 ttl=0 leaf=0 ; sync
expect stale=0
dma read gpu 0x4000_1000
expect fault 0x10
"""#, demonstratesBug: true)
}
