export async function connect(url: string): Promise<void> {
  await handshake(url);
}

async function handshake(url: string): Promise<void> {
  await new Promise<void>(() => {
    void url;
  });
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
