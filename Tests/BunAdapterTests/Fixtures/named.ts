export function greet(input: { name: string }) { return { greeting: `hello ${input.name}` }; }
export const shout = (input: { text: string }) => input.text.toUpperCase();
