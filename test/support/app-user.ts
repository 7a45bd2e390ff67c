/** The app's own user: what `loadUser` returns and `@CurrentUser()` injects. */
export interface AppUser {
  id: string;
  email: string | null;
  name: string;
}

declare module 'nestjs-warden' {
  interface CurrentUserRegistry {
    user: AppUser;
  }
}
