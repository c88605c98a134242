interface EchoInput {
    message: string;
}

interface EchoOutput {
    echoed_message: string;
    timestamp: string;
}

export function echoTool(input: EchoInput): EchoOutput {
    return {
        echoed_message: input.message,
        timestamp: new Date().toISOString(),
    };
}
