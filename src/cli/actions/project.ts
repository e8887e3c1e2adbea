export async function projectAction(_result: string, _o: Record<string, string | boolean | undefined>): Promise<void> {}
