import SwitchyardRuntime
/// Something stored in a `CallTable`: a call with its process-unique id.
protocol IdentifiedCall: AnyObject {
    /// The call id.
    var id: UInt64 { get }
}

extension AdapterCall: IdentifiedCall {}

/// Calls by their call id: an open-addressing table probed linearly from the id's low bits.
///
/// Hand-written rather than a `Dictionary` because call ids are handed out in sequence: the id
/// itself spreads calls evenly over the slots, so a lookup costs a mask and usually one compare,
/// where a `Dictionary` would run SipHash over the key on every register, lookup and removal —
/// three times per call. Removal shifts the rest of a probe run back (no tombstones), so the
/// table never degrades however many calls pass through it.
///
/// - Important: Not thread-safe; the owner guards it with its lock.
struct CallTable<Call: IdentifiedCall> {
    private var slots: [Call?] = Array(repeating: nil, count: 16)
    /// Calls in the table.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Every call in the table, in no particular order.
    var calls: [Call] { slots.compactMap { $0 } }

    private var mask: Int { slots.count - 1 }

    @inline(__always)
    private func home(of id: UInt64) -> Int { Int(truncatingIfNeeded: id) & mask }

    /// The call with `id`, if present.
    subscript(id: UInt64) -> Call? {
        var index = home(of: id)
        while let call = slots[index] {
            if call.id == id { return call }
            index = (index + 1) & mask
        }
        return nil
    }

    /// Adds `call`, replacing a call with the same id.
    mutating func insert(_ call: Call) {
        // At most half full, so probe runs stay short.
        if (count + 1) * 2 > slots.count { resize(to: slots.count * 2) }
        var index = home(of: call.id)
        while let existing = slots[index] {
            if existing.id == call.id {
                slots[index] = call
                return
            }
            index = (index + 1) & mask
        }
        slots[index] = call
        count += 1
    }

    /// Removes and returns the call with `id`, if present.
    @discardableResult
    mutating func remove(_ id: UInt64) -> Call? {
        var index = home(of: id)
        while let call = slots[index] {
            if call.id == id {
                slots[index] = nil
                count -= 1
                closeGap(at: index)
                return call
            }
            index = (index + 1) & mask
        }
        return nil
    }

    /// Moves later members of the probe run into the emptied slot when their probe passes it,
    /// so every lookup still finds its call before the first empty slot.
    private mutating func closeGap(at start: Int) {
        var gap = start
        var next = (start + 1) & mask
        while let moved = slots[next] {
            let fromHome = (next - home(of: moved.id)) & mask
            let fromGap = (next - gap) & mask
            if fromHome >= fromGap {
                slots[gap] = moved
                slots[next] = nil
                gap = next
            }
            next = (next + 1) & mask
        }
    }

    private mutating func resize(to capacity: Int) {
        let old = slots
        slots = Array(repeating: nil, count: capacity)
        count = 0
        for case let call? in old { insert(call) }
    }
}
