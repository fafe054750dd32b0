// The tour at step 8 in a 120×40 terminal, reviewed by eye against design.md's sketch and the
// facts the pane tests check one by one (TourPaneTests): the stale IOTLB row, the step-7 walk
// through the paging-structure caches, the step-8 note.
enum SessionGolden {
    static let tourStep8At120x40 = #"""
 NestScope · tour · step 8/12 · VT-d scalable · nic 00:02.0 · PASID 5 · 2 stale               ? help  : command  q quit
┌1 PASID entries  nic 00:02.0 ───────────────────────┐┌2 Walk  step 7 · read 0x4000_1000 · 2 table reads, 2 cached ────┐
│ context P DTE PASIDE · PASID dir 0x8000_d000 · PDT…││ config context ○  PASID entry ○                                │
│   PASID P PGTT    DID FS root       L SS root     L││ stage-1 step  GPA        SS L4  SS L3  SS L2  SS L1  FS entry  │
│       5 1 nested    2 0x10_0000     4 0x8000_1000 4││ FS root       -            ·      ·      ·      ·    ·         │
│                                                    ││ L4→           -            ·      ·      ·      ·    ·         │
│                                                    ││ L3→           -            ·      ·      ·      ·    L2 ○      │
│                                                    ││ L2→           -            ·      ·      ·      ·    L1 ●      │
│                                                    ││ page          0x20_1000    ·      ·      ○      ●              │
│                                                    ││ → HPA 0x1_0020_1000 RW-U · 4K page · walked                    │
└────────────────────────────────────────────────────┘│ L3→ FS entry: #3/6 · 0x10_3007 from the PWC-S1                 │
┌3 Caches  [IOTLB] PWC-S1 PWC-S2 PASID ctx ATC qi ───┐│                                                                │
│   DID PASID IOVA           size → HPA          perm││ ● memory read  ○ cache hit  ! stale  ✗ fault  · not read       │
│ !   2     5 0x4000_1000    4K   0x1_0020_1000  RW-U│└────────────────────────────────────────────────────────────────┘
│     2     5 0x4000_0000    4K   0x1_0020_0000  RW-U│┌4 locked_vm ────────────────────────────────────────────────────┐
│                                                    ││ no host objects in this scenario: nothing pins memory          │
│                                                    │└────────────────────────────────────────────────────────────────┘
│                                                    │┌5 Log ──────────────────────────────────────────────────────────┐
│                                                    ││↑      s2: map 0x0 → 0x1_0000_0000 16M RW- (4096 entrie… ok     │
│                                                    ││       guest tables of s2 at GPA 0x10_0000 (1M)          ok     │
│                                                    ││       s1: 4-level VT-d first stage (x86) table, root a… ok     │
│                                                    ││     2 Two owners, two stages                                   │
│                                                    ││     3 The guest maps a buffer                                  │
│                                                    ││       s1: map 0x4000_0000 → 0x20_0000 16K RW-U (4 entr… ok     │
│                                                    ││     4 One PASID entry ties the stages together                 │
│                                                    ││       attach nic pasid 5: nested did 2, SS s2 at HPA 0… ok     │
│                                                    ││     5 The first DMA walks cold                                 │
│                                                    ││       dma read nic pasid 5 0x4000_0000 → hpa 0x1_0020_… ok     │
│ ! memory now: fault 0x71 (SM: Present bit in first…││       expect 24 table reads: ok                         ok     │
│   fix: p_iotlb_inv g=3 did=2 pasid=5 am=0 ih=1 add…││     6 The ATC answers the next one                             │
│ 2/512 entries · hits 0 · misses 2 · 1 stale        ││       dma read nic pasid 5 0x4000_0010 → hpa 0x1_0020_… ok     │
└────────────────────────────────────────────────────┘│       expect served by ATC: ok                          ok     │
┌ note  step 8/12: The guest unmaps a page and forg…─┐│     7 A neighbouring page: the paging-structure caches         │
│ The PTE for 0x4000_1000 is cleared in memory. No   ││       dma read nic pasid 5 0x4000_1000 → hpa 0x1_0020_… ok     │
│ invalidation is sent. The IOTLB and the NIC's ATC  ││       expect 2 table reads: ok                          ok     │
│ still hold the old translation: pane 3 marks them  ││ ▶   8 The guest unmaps a page and forgets to invalidate        │
│ stale (!).                                         ││ ▶     s1: unmap 0x4000_1000 4K (1 entry cleared, no in… ok     │
│ next (n): step 9 · The device can still reach the… ││ ▶     expect 2 stale entries: ok                        ok     │
└────────────────────────────────────────────────────┘└────────────────────────────────────────────────────────────────┘
 Enter fields  r raw hex  d decode  / filter  n step  b back  Tab pane  i invalidate  t theme
"""#
}
