import Testing
@testable import SwitchyardAdapterHost
import SwitchyardRuntime

extension AdapterHostTests {
    @Suite struct CallTableTests {
        final class Entry: IdentifiedCall {
            let id: UInt64
            init(_ id: UInt64) { self.id = id }
        }

        @Test func findsInsertsAndRemovesLikeADictionary() {
            var table = CallTable<Entry>()
            var model: [UInt64: Entry] = [:]
            var generator = SystemRandomNumberGenerator()
            // Ids in sequence (as handed out) plus ids 16/64/1024 apart, which share home slots.
            var nextID: UInt64 = 1
            for step in 0..<20_000 {
                if model.isEmpty || Bool.random(using: &generator) || step % 7 == 0 {
                    let id = step % 5 == 0 ? nextID &* 16 : nextID
                    nextID += 1
                    let entry = Entry(id)
                    table.insert(entry)
                    model[id] = entry
                } else {
                    let id = model.keys.randomElement(using: &generator)!
                    #expect(table.remove(id) === model.removeValue(forKey: id))
                }
                if step % 997 == 0 {
                    #expect(table.count == model.count)
                    for (id, entry) in model { #expect(table[id] === entry) }
                    #expect(Set(table.calls.map(\.id)) == Set(model.keys))
                }
            }
            for id in Array(model.keys) { #expect(table.remove(id) === model.removeValue(forKey: id)) }
            #expect(table.isEmpty)
            #expect(table[1] == nil)
            #expect(table.remove(1) == nil)
        }

        @Test func removingKeepsCollidingCallsReachable() {
            var table = CallTable<Entry>()
            // Ids 16 apart share a home slot while the table has 16 or 32 slots.
            let entries = (1...7).map { Entry(UInt64($0) * 32) }
            for entry in entries { table.insert(entry) }
            table.remove(entries[0].id)
            table.remove(entries[3].id)
            for (index, entry) in entries.enumerated() {
                #expect((table[entry.id] === entry) == (index != 0 && index != 3))
            }
        }
    }
}
