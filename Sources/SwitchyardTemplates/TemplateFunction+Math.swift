import Foundation
import SwitchyardJSON

/// sprig's number functions past `add`/`sub`/`mul`/`div`/`mod`: integer ones convert their
/// arguments as sprig's `toInt64` does (text parsed, anything else 0), float ones as `toFloat64`.
extension TemplateFunction {
    func callMath(_ args: [JSONValue]) throws(TemplateFailure) -> JSONValue? {
        switch self {
        case .atoi:
            try requireArguments(args, 1)
            return .int(Int64(textArgument(args[0])) ?? 0)
        case .int64:
            try requireArguments(args, 1)
            return .int(sprigInteger(args[0]))
        case .toDecimal:
            try requireArguments(args, 1)
            return .int(Int64(textArgument(args[0]), radix: 8) ?? 0)
        case .add1:
            try requireArguments(args, 1)
            let (sum, overflow) = sprigInteger(args[0]).addingReportingOverflow(1)
            guard !overflow else { throw TemplateFailure(reason: "integer overflow") }
            return .int(sum)
        case .biggest, .max, .min:
            try requireArguments(args, 1...Int.max)
            let numbers = args.map(sprigInteger)
            return .int(self == .min ? numbers.min()! : numbers.max()!)
        case .maxf, .minf:
            try requireArguments(args, 1...Int.max)
            let numbers = args.map(sprigFloat)
            return .double(self == .minf ? numbers.min()! : numbers.max()!)
        case .add1f:
            try requireArguments(args, 1)
            return .double(sprigFloat(args[0]) + 1)
        case .addf:
            return .double(args.reduce(0) { $0 + sprigFloat($1) })
        case .subf, .mulf, .divf:
            try requireArguments(args, 1...Int.max)
            var total = sprigFloat(args[0])
            for argument in args.dropFirst() {
                let operand = sprigFloat(argument)
                switch self {
                case .subf: total -= operand
                case .mulf: total *= operand
                default:
                    guard operand != 0 else { throw TemplateFailure(reason: "division by zero") }
                    total /= operand
                }
            }
            return .double(total)
        case .ceil, .floor:
            try requireArguments(args, 1)
            return .double(sprigFloat(args[0]).rounded(self == .ceil ? .up : .down))
        case .round:
            // sprig: digits past `places` round up from `roundOn` (0.5 unless given).
            try requireArguments(args, 2...3)
            let value = sprigFloat(args[0])
            let scale = pow(10, sprigFloat(args[1]))
            let roundOn = args.count == 3 ? sprigFloat(args[2]) : 0.5
            let digits = scale * value
            let fraction = digits - digits.rounded(.towardZero)
            return .double((fraction >= roundOn ? digits.rounded(.up) : digits.rounded(.down)) / scale)
        case .randInt:
            try requireArguments(args, 2)
            let (low, high) = (sprigInteger(args[0]), sprigInteger(args[1]))
            guard low < high else { throw TemplateFailure(reason: "empty range [\(low), \(high))") }
            return .int(Int64.random(in: low..<high))
        case .until:
            try requireArguments(args, 1)
            let count = sprigInteger(args[0])
            return try .array(steps(from: 0, to: count, by: count < 0 ? -1 : 1))
        case .untilStep:
            try requireArguments(args, 3)
            return try .array(steps(from: sprigInteger(args[0]), to: sprigInteger(args[1]), by: sprigInteger(args[2])))
        case .seq:
            return .string(try sequence(args.map(sprigInteger)).map { $0.templateText }.joined(separator: " "))
        default:
            return nil
        }
    }
}

/// The most elements `until`, `untilStep` and `seq` build: a million, so a typo'd bound fails
/// rather than allocating gigabytes (sprig has no limit).
let maxBuiltElements = 1 << 20

/// sprig's `untilStep`: from `start` toward `stop` (excluded); a step pointing away gives nothing.
private func steps(from start: Int64, to stop: Int64, by step: Int64) throws(TemplateFailure) -> [JSONValue] {
    guard step != 0, (stop < start) == (step < 0), stop != start else { return [] }
    let distance = stop.subtractingReportingOverflow(start)
    let count = distance.overflow ? UInt64.max
        : distance.partialValue.magnitude / step.magnitude + (distance.partialValue.magnitude % step.magnitude == 0 ? 0 : 1)
    guard count <= UInt64(maxBuiltElements) else {
        throw TemplateFailure(reason: "\(count == .max ? "over \(UInt64(Int64.max))" : "\(count)") elements is over the limit of \(maxBuiltElements)")
    }
    return (0..<Int64(count)).map { .int(start + $0 * step) }
}

/// The exclusive bound one step past `end`; past Int64's range the list is over the limit anyway.
private func past(_ end: Int64, _ increment: Int64) throws(TemplateFailure) -> Int64 {
    let (bound, overflow) = end.addingReportingOverflow(increment)
    guard !overflow else { throw TemplateFailure(reason: "more than \(maxBuiltElements) elements is over the limit") }
    return bound
}

/// sprig's `seq`, after GNU seq: `seq END`, `seq START END`, `seq START STEP END`, counting down
/// when END is below START.
private func sequence(_ numbers: [Int64]) throws(TemplateFailure) -> [JSONValue] {
    switch numbers.count {
    case 1:
        let increment: Int64 = numbers[0] < 1 ? -1 : 1
        return try steps(from: 1, to: try past(numbers[0], increment), by: increment)
    case 2:
        let increment: Int64 = numbers[1] < numbers[0] ? -1 : 1
        return try steps(from: numbers[0], to: try past(numbers[1], increment), by: increment)
    case 3:
        let (start, step, end) = (numbers[0], numbers[1], numbers[2])
        let increment: Int64 = end < start ? -1 : 1
        if end < start, step > 0 { return [] }
        return try steps(from: start, to: try past(end, increment), by: step)
    default:
        return []
    }
}
